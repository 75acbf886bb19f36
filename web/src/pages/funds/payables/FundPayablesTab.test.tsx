import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Me } from "../../../auth/session";
import { jsonResponse, problemResponse, renderWithProviders } from "../../../test/render";
import { todayIso } from "../shared/format";
import type { Fund } from "../shared/queries";
import { FundPayablesTab } from "./FundPayablesTab";
import type { Disbursement, Payables } from "./queries";

const FUND = {
  id: "fund-1",
  name: "Northwind Growth Fund II",
  currency: "USD",
} as const satisfies Partial<Fund>;

const PAYABLES: Payables = {
  fund_id: "fund-1",
  currency: "USD",
  as_of: "2026-03-31",
  cash: "1250000.00",
  management_fees_payable: "48750.00",
  items: [
    {
      kind: "expense",
      expense_id: "exp-1",
      distribution_id: null,
      item_date: "2026-02-15",
      description: "Baker & Lane LLP · Fund audit",
      amount: "30000.00",
      outstanding: "12000.00",
    },
    {
      kind: "withholding_tax",
      expense_id: null,
      distribution_id: "dist-3",
      item_date: "2026-03-01",
      description: "Tax withheld from distribution #3",
      amount: "8400.00",
      outstanding: "8400.00",
    },
  ],
};

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
const PAYER = [...READER, "payment:write"];

interface Sent {
  method: string;
  path: string;
  body: unknown;
  idempotencyKey: string | null;
}

/** The API of one fund: `onPay` answers the payment, and what it pays joins the history. */
function stubApi(permissions: string[], onPay?: (body: Record<string, unknown>) => Response) {
  const sent: Sent[] = [];
  const paid: Disbursement[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const path = new URL(request.url).pathname;
      const text = await request.clone().text();
      const body: unknown = text ? JSON.parse(text) : null;
      sent.push({
        method: request.method,
        path,
        body,
        idempotencyKey: request.headers.get("Idempotency-Key"),
      });
      if (path === "/api/v1/me") return jsonResponse(me(permissions));
      if (path === "/api/v1/funds/fund-1/payables") return jsonResponse(PAYABLES);
      if (path === "/api/v1/funds/fund-1/disbursements" && request.method === "GET") {
        return jsonResponse({ items: paid, next_cursor: null });
      }
      if (path === "/api/v1/funds/fund-1/disbursements" && request.method === "POST" && onPay) {
        const answer = onPay(body as Record<string, unknown>);
        if (answer.status === 201) paid.push((await answer.clone().json()) as Disbursement);
        return answer;
      }
      throw new Error(`unexpected ${request.method} ${path}`);
    }),
  );
  return sent;
}

function disbursement(body: Record<string, unknown>): Disbursement {
  return {
    id: "disb-1",
    fund_id: "fund-1",
    currency: "USD",
    kind: body.kind as Disbursement["kind"],
    fee_run_id: null,
    expense_id: (body.expense_id as string | undefined) ?? null,
    distribution_id: (body.distribution_id as string | undefined) ?? null,
    paid_date: body.paid_date as string,
    amount: Number(body.amount).toFixed(2),
    payee: (body.payee as string | undefined) ?? "Baker & Lane LLP",
    reference: (body.reference as string | undefined) ?? null,
    ledger_entry_id: "entry-1",
    created_at: "2026-03-31T10:00:00Z",
  };
}

function renderTab() {
  return renderWithProviders(<FundPayablesTab fund={FUND as unknown as Fund} />);
}

function posts(sent: Sent[]) {
  return sent.filter((request) => request.method === "POST");
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("FundPayablesTab", () => {
  it("shows the cash, the fees payable and each item left to pay", async () => {
    stubApi(PAYER);
    renderTab();

    expect(await screen.findByRole("group", { name: "Cash on hand" })).toHaveTextContent("$1,250,000.00");
    expect(screen.getByRole("group", { name: "Management fees payable" })).toHaveTextContent("$48,750.00");
    const rows = within(screen.getByRole("table", { name: "Outstanding payables" })).getAllByTestId(
      "payable-row",
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Expense");
    expect(rows[0]).toHaveTextContent("$30,000.00");
    expect(rows[0]).toHaveTextContent("$12,000.00");
    expect(rows[1]).toHaveTextContent("Withholding tax");
    expect(await screen.findByRole("button", { name: "Pay Baker & Lane LLP · Fund audit" })).toBeEnabled();
    expect(screen.getByRole("button", { name: "Pay management fees" })).toBeEnabled();
    expect(await screen.findByText(/Nothing was paid out of the fund's cash yet/)).toBeInTheDocument();
  });

  it("offers no payment to someone who may only read", async () => {
    const sent = stubApi(READER);
    renderTab();

    expect(await screen.findAllByTestId("payable-row")).toHaveLength(2);
    await waitFor(() => expect(sent.map((request) => request.path)).toContain("/api/v1/me"));
    expect(await screen.findByText(/Nothing was paid out of the fund's cash yet/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /^Pay/ })).not.toBeInTheDocument();
  });

  it("pays the management fees once, with an Idempotency-Key, and lists the payment", async () => {
    const user = userEvent.setup();
    const sent = stubApi(PAYER, (body) => jsonResponse(disbursement(body), 201));
    renderTab();

    await user.click(await screen.findByRole("button", { name: "Pay management fees" }));
    const form = await screen.findByRole("form", { name: "Pay management fees" });
    expect(within(form).getByLabelText(/amount \(USD\)/i)).toHaveValue("48750.00");
    expect(within(form).getByLabelText("Paid on")).toHaveValue(todayIso());

    const amount = within(form).getByLabelText(/amount \(USD\)/i);
    await user.clear(amount);
    await user.type(amount, "1,000.00");
    await user.type(within(form).getByLabelText(/^Payee/), "Northwind Capital Management");
    await user.type(within(form).getByLabelText("Reference"), "Q1 fee");
    await user.click(within(form).getByRole("button", { name: "Record payment" }));

    await waitFor(() =>
      expect(screen.queryByRole("form", { name: "Pay management fees" })).not.toBeInTheDocument(),
    );
    const row = await screen.findByTestId("disbursement-row");
    expect(row).toHaveTextContent("Northwind Capital Management");
    expect(row).toHaveTextContent("$1,000.00");
    expect(row).toHaveTextContent("Management fee");

    expect(posts(sent)).toHaveLength(1);
    expect(posts(sent)[0]?.path).toBe("/api/v1/funds/fund-1/disbursements");
    expect(posts(sent)[0]?.body).toEqual({
      kind: "management_fee",
      paid_date: todayIso(),
      amount: "1000.00",
      payee: "Northwind Capital Management",
      reference: "Q1 fee",
    });
    expect(posts(sent)[0]?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    const reads = sent.filter((request) => request.method === "GET" && request.path.includes("/payables"));
    expect(reads.length).toBeGreaterThanOrEqual(2);
  });

  it("pays what is left of an expense to its vendor unless told otherwise", async () => {
    const user = userEvent.setup();
    const sent = stubApi(PAYER, (body) => jsonResponse(disbursement(body), 201));
    renderTab();

    await user.click(await screen.findByRole("button", { name: "Pay Baker & Lane LLP · Fund audit" }));
    const form = await screen.findByRole("form", { name: "Pay an expense" });
    expect(within(form).getByLabelText(/amount \(USD\)/i)).toHaveValue("12000.00");
    await user.click(within(form).getByRole("button", { name: "Record payment" }));

    expect(await screen.findByTestId("disbursement-row")).toHaveTextContent("Baker & Lane LLP");
    expect(posts(sent)[0]?.body).toEqual({
      kind: "expense",
      paid_date: todayIso(),
      amount: "12000.00",
      expense_id: "exp-1",
    });
  });

  it("starts the form afresh each time it opens", async () => {
    const user = userEvent.setup();
    stubApi(PAYER);
    renderTab();

    await user.click(await screen.findByRole("button", { name: "Pay management fees" }));
    const first = await screen.findByRole("form", { name: "Pay management fees" });
    await user.clear(within(first).getByLabelText(/amount \(USD\)/i));
    await user.type(within(first).getByLabelText(/amount \(USD\)/i), "5");
    await user.click(within(first).getByRole("button", { name: "Close" }));
    await waitFor(() =>
      expect(screen.queryByRole("form", { name: "Pay management fees" })).not.toBeInTheDocument(),
    );

    await user.click(screen.getByRole("button", { name: "Pay management fees" }));
    const again = await screen.findByRole("form", { name: "Pay management fees" });
    expect(within(again).getByLabelText(/amount \(USD\)/i)).toHaveValue("48750.00");
  });

  it("asks who is paid before sending a fee payment", async () => {
    const user = userEvent.setup();
    const sent = stubApi(PAYER);
    renderTab();

    await user.click(await screen.findByRole("button", { name: "Pay management fees" }));
    const form = await screen.findByRole("form", { name: "Pay management fees" });
    await user.click(within(form).getByRole("button", { name: "Record payment" }));

    expect(await within(form).findByText("Name who is paid.")).toBeInTheDocument();
    expect(posts(sent)).toEqual([]);
  });

  it("puts the API's refusal of the amount on the amount field and keeps the form open", async () => {
    const user = userEvent.setup();
    const sent = stubApi(PAYER, () =>
      problemResponse(422, "Invalid request", "amount: too much", [
        { field: "amount", message: "Only 48,750.00 USD of management fees is payable on 2026-03-31." },
      ]),
    );
    renderTab();

    await user.click(await screen.findByRole("button", { name: "Pay management fees" }));
    const form = await screen.findByRole("form", { name: "Pay management fees" });
    const amount = within(form).getByLabelText(/amount \(USD\)/i);
    await user.clear(amount);
    await user.type(amount, "99999999");
    await user.type(within(form).getByLabelText(/^Payee/), "Northwind Capital Management");
    await user.click(within(form).getByRole("button", { name: "Record payment" }));

    expect(
      await within(form).findByText("Only 48,750.00 USD of management fees is payable on 2026-03-31."),
    ).toBeInTheDocument();
    expect(amount).toHaveAttribute("aria-invalid", "true");
    expect(within(form).queryByRole("alert")).not.toBeInTheDocument();
    expect(posts(sent)).toHaveLength(1);
  });

  it("says why the API refused a payment the fund cannot make", async () => {
    const user = userEvent.setup();
    stubApi(PAYER, () =>
      problemResponse(
        409,
        "Conflict",
        "The fund holds 1,000.00 USD in cash on 2026-03-31: it cannot pay 8,400.00 USD.",
      ),
    );
    renderTab();

    await user.click(await screen.findByRole("button", { name: "Pay Tax withheld from distribution #3" }));
    const form = await screen.findByRole("form", { name: "Remit withheld tax" });
    expect(within(form).getByLabelText(/amount \(USD\)/i)).toHaveAttribute("readonly");
    await user.type(within(form).getByLabelText(/^Payee/), "Internal Revenue Service");
    await user.click(within(form).getByRole("button", { name: "Record payment" }));

    const alert = await within(form).findByRole("alert");
    expect(alert).toHaveTextContent("The payment could not be made");
    expect(alert).toHaveTextContent("it cannot pay 8,400.00 USD");
  });
});
