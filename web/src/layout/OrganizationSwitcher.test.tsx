import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { RouterProvider, createMemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Me } from "../auth/session";
import { routes } from "../router";
import { jsonResponse } from "../test/render";
import { theme } from "../theme";

const MEMBERSHIPS = [
  { org_id: "org-northwind", org_name: "Northwind Capital", role: "admin" },
  { org_id: "org-harbor", org_name: "Harbor Ventures", role: "limited_partner" },
];

function me(org: { id: string; name: string }, role: string, permissions: string[]): Me {
  return {
    user: {
      id: "user-1",
      email: "morgan@example.com",
      full_name: "Morgan Hale",
      mfa_enabled: false,
      last_login_at: null,
    },
    organization: { id: org.id, name: org.name, slug: org.id, base_currency: "USD" },
    role,
    permissions,
    memberships: MEMBERSHIPS,
  };
}

const AT_NORTHWIND = me({ id: "org-northwind", name: "Northwind Capital" }, "admin", [
  "user:read",
  "audit:read",
  "api_key:manage",
]);
const AT_HARBOR = me({ id: "org-harbor", name: "Harbor Ventures" }, "limited_partner", ["lp_portal:read"]);

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("organization switcher", () => {
  it("switches the session and rebuilds the navigation for the new role", async () => {
    const user = userEvent.setup();
    let current = AT_NORTHWIND;
    const switched: unknown[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (request: Request) => {
        const path = new URL(request.url).pathname;
        if (path === "/api/v1/me") return jsonResponse(current);
        if (path === "/api/v1/auth/switch-org") {
          switched.push(await request.json());
          current = AT_HARBOR;
          return jsonResponse({ status: "ok", me: AT_HARBOR, mfa_token: null });
        }
        if (path === "/api/v1/audit") return jsonResponse({ items: [], next_cursor: null });
        if (path === "/api/v1/api-keys") return jsonResponse({ items: [], next_cursor: null });
        if (path.startsWith("/api/v1/portal/")) return jsonResponse([]);
        throw new Error(`unexpected request to ${path}`);
      }),
    );
    const router = createMemoryRouter(routes, { initialEntries: ["/audit"] });
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <MantineProvider theme={theme} env="test">
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>,
    );

    const nav = await screen.findByRole("navigation", { name: /main navigation/i });
    expect(within(nav).getByRole("link", { name: "Audit log" })).toBeInTheDocument();
    expect(await screen.findByRole("table", { name: "Audit records" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: /switch organization/i }));
    await user.click(await screen.findByRole("menuitem", { name: /harbor ventures/i }));

    await waitFor(() => expect(screen.getByTestId("organization-name")).toHaveTextContent("Harbor Ventures"));
    expect(switched).toEqual([{ org_id: "org-harbor" }]);
    await waitFor(() => expect(router.state.location.pathname).toBe("/portal"));
    const navAfter = screen.getByRole("navigation", { name: /main navigation/i });
    expect(within(navAfter).queryByRole("link", { name: "Audit log" })).not.toBeInTheDocument();
    expect(within(navAfter).getByRole("link", { name: "My investments" })).toBeInTheDocument();
    expect(within(navAfter).getByRole("link", { name: "Profile" })).toBeInTheDocument();
  });
});
