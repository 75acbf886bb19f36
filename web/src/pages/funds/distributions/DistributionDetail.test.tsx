import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { ResponseOf } from "../../../api/types";
import type { Me } from "../../../auth/session";
import { jsonResponse, problemResponse, renderWithProviders } from "../../../test/render";
import { DistributionDetail } from "./DistributionDetailPage";

type Distribution = ResponseOf<"/api/v1/distributions/{distribution_id}", "get">;

const ISSUED: Distribution = {
  id: "dist-4",
  fund_id: "fund-1",
  fund_name: "Northwind Growth Fund II",
  currency: "USD",
  number: 4,
  source: "exit",
  company_id: null,
  gross_amount: "2000000.00",
  distribution_date: "2026-03-10",
  status: "issued",
  recallable: false,
  recallable_amount: "0.00",
  description: null,
  created_by: "user-manager",
  approved_by: "user-accountant",
  approved_at: "2026-03-09T10:00:00Z",
  issued_at: "2026-03-10T10:00:00Z",
  paid_at: null,
  cancelled_at: null,
  ledger_entry_id: "entry-1",
  payment_ledger_entry_id: null,
  created_at: "2026-03-08T10:00:00Z",
  tiers: [],
  partners: [],
  allocations: [],
};

function me(permissions: string[]): Me {
  return {
    user: {
      id: "user-1",
      email: "a@example.com",
      full_name: "A Person",
      mfa_enabled: false,
      last_login_at: null,
    },
    organization: { id: "org-1", name: "Northwind Capital", slug: "northwind", base_currency: "USD" },
    role: "accountant",
    permissions,
    memberships: [],
  };
}

const WRITER = ["distribution:read", "distribution:write"];

function stubApi(permissions: string[], onCancel?: () => Response) {
  const sent: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const path = new URL(request.url).pathname;
      sent.push(`${request.method} ${path}`);
      if (path === "/api/v1/me") return jsonResponse(me(permissions));
      if (path === "/api/v1/distributions/dist-4/cancel" && onCancel) return onCancel();
      throw new Error(`unexpected request to ${path}`);
    }),
  );
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("DistributionDetail", () => {
  it("cancels an issued distribution after saying its issue entries are reversed", async () => {
    const user = userEvent.setup();
    const sent = stubApi(WRITER, () =>
      jsonResponse({ ...ISSUED, status: "cancelled", cancelled_at: "2026-03-11T10:00:00Z" }),
    );
    renderWithProviders(<DistributionDetail distribution={ISSUED} />);

    await user.click(await screen.findByRole("button", { name: "Cancel distribution" }));
    const dialog = await screen.findByRole("dialog", { name: "Cancel the distribution" });
    expect(dialog).toHaveTextContent("the entries posted when it was issued will be reversed");
    await user.click(within(dialog).getByRole("button", { name: "Cancel distribution" }));

    await waitFor(() => expect(sent).toContain("POST /api/v1/distributions/dist-4/cancel"));
    await waitFor(() =>
      expect(screen.queryByRole("dialog", { name: "Cancel the distribution" })).not.toBeInTheDocument(),
    );
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("keeps the plain confirmation for a draft", async () => {
    const user = userEvent.setup();
    stubApi(WRITER);
    renderWithProviders(
      <DistributionDetail distribution={{ ...ISSUED, status: "draft", issued_at: null }} />,
    );

    await user.click(await screen.findByRole("button", { name: "Cancel distribution" }));
    const dialog = await screen.findByRole("dialog", { name: "Cancel the distribution" });
    expect(dialog).toHaveTextContent("Distribution 4 will be cancelled. This cannot be undone.");
    expect(dialog).not.toHaveTextContent("reversed");
  });

  it("shows why the API refuses to cancel an issued distribution", async () => {
    const user = userEvent.setup();
    stubApi(WRITER, () =>
      problemResponse(409, "Conflict", "Distribution 5 was issued after this one: cancel it first."),
    );
    renderWithProviders(<DistributionDetail distribution={ISSUED} />);

    await user.click(await screen.findByRole("button", { name: "Cancel distribution" }));
    const dialog = await screen.findByRole("dialog", { name: "Cancel the distribution" });
    await user.click(within(dialog).getByRole("button", { name: "Cancel distribution" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The distribution could not be cancelled");
    expect(alert).toHaveTextContent("cancel it first");
    expect(screen.getByTestId("distribution-status")).toHaveTextContent("Issued");
  });
});
