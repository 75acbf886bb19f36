import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { jsonResponse, problemResponse, renderWithProviders } from "../../test/render";
import { InviteModal } from "./InviteModal";

const INVESTOR = { id: "inv-1", name: "Juniper Family Trust" };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("invite modal", () => {
  it("invites a limited partner of the investor and puts the API's field errors on the fields", async () => {
    const user = userEvent.setup();
    const bodies: unknown[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (request: Request) => {
        const path = new URL(request.url).pathname;
        if (path === "/api/v1/users/invitations" && request.method === "POST") {
          const body = (await request.json()) as { email: string };
          bodies.push(body);
          if (body.email === "taken@lp.example") {
            return problemResponse(422, "Invalid input", "email: already a member", [
              { field: "email", message: "Already a member of the organization." },
            ]);
          }
          return jsonResponse(
            {
              id: "invitation-1",
              email: body.email,
              role: "limited_partner",
              party_kind: "investor",
              party_id: INVESTOR.id,
              party_name: INVESTOR.name,
              expires_at: "2026-12-14T10:00:00Z",
              token: "secret",
              accept_path: "/accept-invitation?token=secret",
            },
            201,
          );
        }
        return jsonResponse([]);
      }),
    );
    const onInvited = vi.fn();
    renderWithProviders(<InviteModal opened onClose={() => {}} onInvited={onInvited} investor={INVESTOR} />);

    expect(screen.queryByRole("textbox", { name: /Role/ })).toBeNull();
    await user.type(screen.getByLabelText(/Email/), "taken@lp.example");
    await user.type(screen.getByLabelText(/Full name/), "Ada Lovelace");
    await user.click(screen.getByRole("button", { name: "Create invitation" }));
    expect(await screen.findByText("Already a member of the organization.")).toBeInTheDocument();
    expect(bodies[0]).toEqual({
      email: "taken@lp.example",
      full_name: "Ada Lovelace",
      role: "limited_partner",
      party_id: INVESTOR.id,
    });

    await user.clear(screen.getByLabelText(/Email/));
    await user.type(screen.getByLabelText(/Email/), "ada@lp.example");
    await user.click(screen.getByRole("button", { name: "Create invitation" }));
    expect(await screen.findByTestId("invitation-link")).toHaveTextContent(
      `${window.location.origin}/accept-invitation?token=secret`,
    );
    expect(screen.getByText(/of Juniper Family Trust/)).toBeInTheDocument();
    await waitFor(() => expect(onInvited).toHaveBeenCalledTimes(1));
  });
});
