import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Me } from "../../auth/session";
import { jsonResponse, problemResponse, renderWithProviders } from "../../test/render";
import { MembersPanel } from "./MembersPanel";

const ADMIN: Me = {
  user: {
    id: "user-admin",
    email: "ada@example.com",
    full_name: "Ada Admin",
    mfa_enabled: true,
    last_login_at: null,
  },
  organization: { id: "org-1", name: "Northwind Capital", slug: "northwind", base_currency: "USD" },
  role: "admin",
  permissions: ["user:read", "user:manage"],
  memberships: [{ org_id: "org-1", org_name: "Northwind Capital", role: "admin" }],
};

function member(id: string, fullName: string, mfa: boolean) {
  return {
    id,
    email: `${id}@example.com`,
    full_name: fullName,
    role: "accountant",
    is_active: true,
    mfa_enabled: mfa,
    last_login_at: null,
    created_at: "2026-01-05T10:00:00Z",
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("members panel", () => {
  it("resets the second factor of a member who lost it, after a confirmation", async () => {
    const user = userEvent.setup();
    const resets: string[] = [];
    let refused = false;
    vi.stubGlobal(
      "fetch",
      vi.fn(async (request: Request) => {
        const path = new URL(request.url).pathname;
        if (path === "/api/v1/me") return jsonResponse(ADMIN);
        if (path === "/api/v1/roles") return jsonResponse([]);
        if (path === "/api/v1/users") {
          return jsonResponse({
            items: [member("user-bo", "Bo Books", true), member("user-cy", "Cy Cash", false)],
            next_cursor: null,
          });
        }
        const reset = path.match(/^\/api\/v1\/users\/(.+)\/mfa\/reset$/);
        const resetId = reset?.[1];
        if (resetId && request.method === "POST") {
          if (refused) {
            return problemResponse(409, "Conflict", "This member also belongs to another organization.");
          }
          resets.push(resetId);
          return jsonResponse(member(resetId, "Bo Books", false));
        }
        return jsonResponse({ detail: `unexpected ${path}` }, 404);
      }),
    );
    renderWithProviders(<MembersPanel />);

    await user.click(await screen.findByRole("button", { name: "Actions for Cy Cash" }));
    expect(screen.queryByRole("menuitem", { name: "Reset second factor" })).toBeNull();
    await user.keyboard("{Escape}");

    await user.click(screen.getByRole("button", { name: "Actions for Bo Books" }));
    await user.click(await screen.findByRole("menuitem", { name: "Reset second factor" }));
    expect(await screen.findByText(/lost both their authenticator and their recovery codes/)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Reset second factor" }));
    await waitFor(() => expect(resets).toEqual(["user-bo"]));
    await waitFor(() => expect(screen.queryByText(/lost both their authenticator/)).toBeNull());

    refused = true;
    await user.click(screen.getByRole("button", { name: "Actions for Bo Books" }));
    await user.click(await screen.findByRole("menuitem", { name: "Reset second factor" }));
    await user.click(await screen.findByRole("button", { name: "Reset second factor" }));
    // Refused: nothing is reset and the dialog stays open (the reason shows as a notification).
    await waitFor(() => expect(screen.getByRole("button", { name: "Reset second factor" })).toBeTruthy());
    expect(resets).toEqual(["user-bo"]);
    expect(screen.getByText(/lost both their authenticator/)).toBeTruthy();
  });
});
