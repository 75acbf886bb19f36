import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Me } from "../../../auth/session";
import { jsonResponse, problemResponse, renderWithProviders } from "../../../test/render";
import { PaymentsList } from "./PaymentsList";
import type { Payment } from "./queries";

const PAYMENTS: Payment[] = [
  {
    id: "pay-1",
    fund_id: "fund-1",
    fund_name: "Northwind Growth Fund II",
    call_id: "call-1",
    call_number: 1,
    call_allocation_id: "alloc-1",
    investor_id: "inv-1",
    investor_name: "Aspen Family Trust",
    currency: "USD",
    amount: "600000.00",
    received_date: "2025-02-14",
    reference: "NW2-C1-001",
    method: "wire",
    status: "received",
    ledger_entry_id: "entry-1",
    created_at: "2025-02-14T10:00:00Z",
  },
  {
    id: "pay-2",
    fund_id: "fund-1",
    fund_name: "Northwind Growth Fund II",
    call_id: "call-1",
    call_number: 1,
    call_allocation_id: "alloc-2",
    investor_id: "inv-2",
    investor_name: "Birch Pension Plan",
    currency: "USD",
    amount: "400000.00",
    received_date: "2025-02-15",
    reference: "NW2-C1-002",
    method: "wire",
    status: "received",
    ledger_entry_id: "entry-2",
    created_at: "2025-02-15T10:00:00Z",
  },
];

function me(permissions: string[]): Me {
  return {
    user: {
      id: "user-1",
      email: "accountant@example.com",
      full_name: "Daniel Okafor",
      mfa_enabled: false,
      last_login_at: null,
    },
    organization: { id: "org-1", name: "Northwind Capital", slug: "northwind", base_currency: "USD" },
    role: "accountant",
    permissions,
    memberships: [],
  };
}

const READER = ["fund:read", "payment:read"];
const WRITER = [...READER, "payment:write"];

/** The payments API: `onReverse` answers a reversal; a reversed payment leaves the list. */
function stubApi(permissions: string[], onReverse?: (paymentId: string) => Response) {
  const sent: { method: string; path: string }[] = [];
  let payments = [...PAYMENTS];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const path = new URL(request.url).pathname;
      sent.push({ method: request.method, path });
      if (path === "/api/v1/me") return jsonResponse(me(permissions));
      if (path === "/api/v1/payments") return jsonResponse({ items: payments, next_cursor: null });
      const reversal = /^\/api\/v1\/payments\/([^/]+)\/reverse$/.exec(path);
      if (reversal && request.method === "POST" && onReverse) {
        const answer = onReverse(reversal[1] ?? "");
        if (answer.ok) payments = payments.filter((payment) => payment.id !== reversal[1]);
        return answer;
      }
      throw new Error(`unexpected ${request.method} ${path}`);
    }),
  );
  return sent;
}

function renderList() {
  return renderWithProviders(<PaymentsList filters={{ fund_id: "fund-1" }} showFund={false} />);
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("PaymentsList reversal", () => {
  it("reverses a payment after a confirmation saying the LP owes it again", async () => {
    const user = userEvent.setup();
    const sent = stubApi(WRITER, () =>
      jsonResponse({ id: "call-1", number: 1, status: "partially_paid", allocations: [] }),
    );
    renderList();

    expect(await screen.findAllByTestId("payment-row")).toHaveLength(2);
    await user.click(
      await screen.findByRole("button", { name: "Reverse the payment of $400,000.00 by Birch Pension Plan" }),
    );
    const dialog = await screen.findByRole("dialog", { name: "Reverse the payment" });
    expect(dialog).toHaveTextContent("Birch Pension Plan will owe $400,000.00 again");
    expect(sent.filter((request) => request.method === "POST")).toEqual([]);

    await user.click(within(dialog).getByRole("button", { name: "Reverse payment" }));

    await waitFor(() => expect(screen.getAllByTestId("payment-row")).toHaveLength(1));
    expect(screen.getByTestId("payment-row")).toHaveTextContent("Aspen Family Trust");
    expect(sent.filter((request) => request.method === "POST")).toEqual([
      { method: "POST", path: "/api/v1/payments/pay-2/reverse" },
    ]);
    await waitFor(() =>
      expect(screen.queryByRole("dialog", { name: "Reverse the payment" })).not.toBeInTheDocument(),
    );
  });

  it("keeps the payment and says why when a later distribution counts it", async () => {
    const user = userEvent.setup();
    stubApi(WRITER, () =>
      problemResponse(
        409,
        "Conflict",
        "Distribution #1 was issued since this payment was received and counts it in its waterfall; cancel the distribution first.",
      ),
    );
    renderList();

    await user.click(
      await screen.findByRole("button", { name: "Reverse the payment of $600,000.00 by Aspen Family Trust" }),
    );
    const dialog = await screen.findByRole("dialog", { name: "Reverse the payment" });
    await user.click(within(dialog).getByRole("button", { name: "Reverse payment" }));

    const alert = await within(dialog).findByRole("alert");
    expect(alert).toHaveTextContent("The payment could not be reversed");
    expect(alert).toHaveTextContent("Distribution #1 was issued since this payment was received");
    expect(within(dialog).getByRole("button", { name: "Reverse payment" })).toBeDisabled();
    expect(screen.getAllByTestId("payment-row")).toHaveLength(2);
  });

  it("offers no reversal to someone who may only read payments", async () => {
    const sent = stubApi(READER);
    renderList();

    expect(await screen.findAllByTestId("payment-row")).toHaveLength(2);
    await waitFor(() => expect(sent.map((request) => request.path)).toContain("/api/v1/me"));
    expect(screen.queryByRole("button", { name: /^Reverse/ })).not.toBeInTheDocument();
  });
});
