import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Me } from "../../../auth/session";
import { jsonResponse, problemResponse, renderWithProviders } from "../../../test/render";
import { todayIso } from "../shared/format";
import type { Fund } from "../shared/queries";
import type { Expense, ExpenseDetail, FeeRun, FeeRunDetail, TransactionFee } from "./queries";
import { FundFeesTab } from "./FundFeesTab";

const FUND = {
  id: "fund-1",
  name: "Northwind Growth Fund II",
  currency: "USD",
  initial_close_date: "2025-01-15",
} as const satisfies Partial<Fund>;

const COMPANIES = [{ id: "co-1", name: "Helix Robotics" }];

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

const READER = ["fund:read", "fee:read", "valuation:read"];
const WRITER = [...READER, "fee:write"];

/** The installment due on the initial close: a stub period, two LPs, a transaction fee offset. */
const PREVIEW: FeeRunDetail = {
  id: null,
  fund_id: "fund-1",
  currency: "USD",
  period_start: "2025-01-15",
  period_end: "2025-03-31",
  due_date: "2025-01-15",
  status: null,
  gross_amount: "42191.78",
  offset_amount: "2000.00",
  total_amount: "40191.78",
  capital_call_id: null,
  ledger_entry_id: null,
  created_at: null,
  periods: [
    {
      first_day: "2025-01-15",
      last_day: "2025-03-31",
      days: 77,
      basis: "commitment",
      base: "10000000.00",
      rate: "0.02",
      is_full_quarter: false,
    },
  ],
  installments: [
    {
      commitment_id: "c-1",
      investor_id: "inv-1",
      investor_name: "Aspen Family Trust",
      basis: "commitment",
      base_amount: "6000000.00",
      rate: "0.02",
      days: 77,
      gross_amount: "25315.07",
      offset_amount: "1200.00",
      amount: "24115.07",
    },
    {
      commitment_id: "c-2",
      investor_id: "inv-2",
      investor_name: "Birch Pension Plan",
      basis: "commitment",
      base_amount: "4000000.00",
      rate: "0.02",
      days: 77,
      gross_amount: "16876.71",
      offset_amount: "800.00",
      amount: "16076.71",
    },
  ],
};

const POSTED_RUN: FeeRun = {
  id: "run-1",
  fund_id: "fund-1",
  currency: "USD",
  period_start: "2025-01-15",
  period_end: "2025-03-31",
  due_date: "2025-01-15",
  status: "posted",
  gross_amount: "42191.78",
  offset_amount: "2000.00",
  total_amount: "40191.78",
  capital_call_id: null,
  ledger_entry_id: "entry-1",
  created_at: "2025-01-15T10:00:00Z",
};

const FEE: TransactionFee = {
  id: "tf-1",
  fund_id: "fund-1",
  currency: "USD",
  company_id: "co-1",
  received_date: "2025-02-20",
  amount: "2000.00",
  description: "Board fee",
  status: "recorded",
  cancelled_at: null,
  cancellation_reason: null,
  created_at: "2025-02-20T10:00:00Z",
};

const EXPENSE: Expense = {
  id: "exp-1",
  fund_id: "fund-1",
  currency: "USD",
  company_id: null,
  expense_date: "2025-03-10",
  amount: "18500.00",
  category: "audit",
  vendor: "Baker & Lane LLP",
  description: "Annual audit",
  status: "posted",
  ledger_entry_id: "entry-2",
  created_at: "2025-03-10T10:00:00Z",
};

interface Sent {
  method: string;
  path: string;
  body: unknown;
  idempotencyKey: string | null;
}

interface State {
  runs: FeeRun[];
  expenses: Expense[];
  transactionFees: TransactionFee[];
}

type Handler = (body: Record<string, unknown>, path: string) => Response;

/**
 * The API of one fund. Each write is answered by its handler; what it creates (201) or cancels
 * (200) shows in the lists read afterwards.
 */
function stubApi(
  permissions: string[],
  state: Partial<State> = {},
  handlers: {
    feeRun?: Handler;
    cancelRun?: Handler;
    expense?: Handler;
    cancelExpense?: Handler;
    transactionFee?: Handler;
    cancelTransactionFee?: Handler;
  } = {},
) {
  const sent: Sent[] = [];
  const data: State = { runs: [], expenses: [], transactionFees: [], ...state };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const path = new URL(request.url).pathname;
      const text = await request.clone().text();
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      sent.push({
        method: request.method,
        path,
        body: text ? body : null,
        idempotencyKey: request.headers.get("Idempotency-Key"),
      });
      const get = request.method === "GET";
      if (path === "/api/v1/me") return jsonResponse(me(permissions));
      if (path === "/api/v1/funds/fund-1/portfolio-companies") {
        return jsonResponse({ items: COMPANIES, next_cursor: null });
      }
      if (path === "/api/v1/funds/fund-1/fee-runs" && get) {
        return jsonResponse({ items: data.runs, next_cursor: null });
      }
      if (path === "/api/v1/funds/fund-1/expenses" && get) {
        return jsonResponse({ items: data.expenses, next_cursor: null });
      }
      if (path === "/api/v1/funds/fund-1/transaction-fees" && get) {
        return jsonResponse({ items: data.transactionFees, next_cursor: null });
      }
      if (path === "/api/v1/funds/fund-1/fee-runs" && handlers.feeRun) {
        const answer = handlers.feeRun(body, path);
        if (answer.status === 201) {
          const {
            periods: _periods,
            installments: _installments,
            ...run
          } = (await answer.clone().json()) as FeeRunDetail;
          data.runs = [run, ...data.runs];
        }
        return answer;
      }
      if (path.startsWith("/api/v1/fee-runs/") && handlers.cancelRun) {
        const answer = handlers.cancelRun(body, path);
        if (answer.ok) {
          const run = (await answer.clone().json()) as FeeRun;
          data.runs = data.runs.map((row) => (row.id === run.id ? run : row));
        }
        return answer;
      }
      if (path === "/api/v1/funds/fund-1/expenses" && handlers.expense) {
        const answer = handlers.expense(body, path);
        if (answer.status === 201) {
          const { allocations: _allocations, ...expense } = (await answer.clone().json()) as ExpenseDetail;
          data.expenses = [expense, ...data.expenses];
        }
        return answer;
      }
      if (path.startsWith("/api/v1/transaction-fees/") && handlers.cancelTransactionFee) {
        const answer = handlers.cancelTransactionFee(body, path);
        if (answer.ok) {
          const fee = (await answer.clone().json()) as TransactionFee;
          data.transactionFees = data.transactionFees.map((row) => (row.id === fee.id ? fee : row));
        }
        return answer;
      }
      if (path.startsWith("/api/v1/expenses/") && handlers.cancelExpense) {
        const answer = handlers.cancelExpense(body, path);
        if (answer.ok) {
          const expense = (await answer.clone().json()) as Expense;
          data.expenses = data.expenses.map((row) => (row.id === expense.id ? expense : row));
        }
        return answer;
      }
      if (path === "/api/v1/funds/fund-1/transaction-fees" && handlers.transactionFee) {
        const answer = handlers.transactionFee(body, path);
        if (answer.status === 201)
          data.transactionFees.unshift((await answer.clone().json()) as TransactionFee);
        return answer;
      }
      throw new Error(`unexpected ${request.method} ${path}`);
    }),
  );
  return sent;
}

function renderTab() {
  return renderWithProviders(<FundFeesTab fund={FUND as unknown as Fund} />);
}

function posts(sent: Sent[]) {
  return sent.filter((request) => request.method === "POST");
}

/** The fee run the API posts from a request: the preview's figures, saved. */
function postedRun(body: Record<string, unknown>): FeeRunDetail {
  return {
    ...PREVIEW,
    id: "run-9",
    status: "posted",
    ledger_entry_id: "entry-9",
    created_at: "2025-01-15T10:00:00Z",
    capital_call_id: body.call ? "call-7" : null,
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("FundFeesTab", () => {
  it("lists the fee runs, expenses and transaction fees, with no write action for a reader", async () => {
    const sent = stubApi(READER, {
      runs: [{ ...POSTED_RUN, capital_call_id: "call-3" }],
      expenses: [EXPENSE],
      transactionFees: [
        {
          id: "tf-1",
          fund_id: "fund-1",
          currency: "USD",
          company_id: "co-1",
          received_date: "2025-02-20",
          amount: "2000.00",
          description: "Board fee",
          status: "recorded",
          cancelled_at: null,
          cancellation_reason: null,
          created_at: "2025-02-20T10:00:00Z",
        },
      ],
    });
    renderTab();

    const run = await screen.findByTestId("fee-run-row");
    expect(run).toHaveTextContent("$42,191.78");
    expect(run).toHaveTextContent("$2,000.00");
    expect(run).toHaveTextContent("$40,191.78");
    expect(run).toHaveTextContent("Posted");
    expect(within(run).getByRole("link", { name: "Open the call" })).toHaveAttribute(
      "href",
      "/capital-calls/call-3",
    );
    const expense = await screen.findByTestId("expense-row");
    expect(expense).toHaveTextContent("Audit");
    expect(expense).toHaveTextContent("Baker & Lane LLP");
    expect(expense).toHaveTextContent("$18,500.00");
    const fee = await screen.findByTestId("transaction-fee-row");
    expect(await within(fee).findByText("Helix Robotics")).toBeInTheDocument();
    expect(fee).toHaveTextContent("Board fee");
    expect(
      screen.getAllByRole("link", { name: "Export CSV" }).map((link) => link.getAttribute("href")),
    ).toEqual([
      "/api/v1/funds/fund-1/fee-runs?format=csv",
      "/api/v1/funds/fund-1/expenses?format=csv",
      "/api/v1/funds/fund-1/transaction-fees?format=csv",
    ]);

    await waitFor(() => expect(sent.map((request) => request.path)).toContain("/api/v1/me"));
    expect(screen.queryByRole("button", { name: "Bill a period" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Record expense" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Record transaction fee" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /^Cancel/ })).not.toBeInTheDocument();
  });

  it("previews the installment, then bills the period once with an Idempotency-Key", async () => {
    const user = userEvent.setup();
    const sent = stubApi(
      WRITER,
      {},
      {
        feeRun: (body) => (body.preview ? jsonResponse(PREVIEW) : jsonResponse(postedRun(body), 201)),
      },
    );
    renderTab();

    expect(await screen.findByText("No management fees were billed yet.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Bill a period" }));
    const form = await screen.findByRole("form", { name: "Bill a period" });
    expect(within(form).getByLabelText(/Period start/)).toHaveValue("2025-01-15");
    expect(within(form).queryByRole("button", { name: "Bill the period" })).not.toBeInTheDocument();
    await user.click(within(form).getByRole("button", { name: "Preview" }));

    const periods = await within(form).findByRole("table", { name: "Fee periods" });
    expect(within(periods).getByTestId("fee-period-row")).toHaveTextContent("77");
    expect(within(periods).getByTestId("fee-period-row")).toHaveTextContent("Commitment");
    expect(within(periods).getByTestId("fee-period-row")).toHaveTextContent("$10,000,000.00");
    expect(within(periods).getByTestId("fee-period-row")).toHaveTextContent(/2(\.0)?%/);
    const lines = within(form).getAllByTestId("installment-row");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toHaveTextContent("Aspen Family Trust");
    expect(lines[0]).toHaveTextContent("$24,115.07");
    expect(within(form).getByTestId("installment-total")).toHaveTextContent("$40,191.78");
    expect(within(form).getByRole("group", { name: "Net fee billed" })).toHaveTextContent("$40,191.78");
    expect(posts(sent)).toHaveLength(1);
    expect(posts(sent)[0]?.body).toEqual({ period_start: "2025-01-15", preview: true, call: false });

    await user.click(within(form).getByRole("button", { name: "Bill the period" }));
    await waitFor(() =>
      expect(screen.queryByRole("form", { name: "Bill a period" })).not.toBeInTheDocument(),
    );
    const row = await screen.findByTestId("fee-run-row");
    expect(row).toHaveTextContent("$40,191.78");
    expect(row).toHaveTextContent("Posted");

    expect(posts(sent)).toHaveLength(2);
    expect(posts(sent)[1]?.path).toBe("/api/v1/funds/fund-1/fee-runs");
    expect(posts(sent)[1]?.body).toEqual({ period_start: "2025-01-15", preview: false, call: false });
    expect(posts(sent)[1]?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("offers the period after the last one billed and drafts a fee call when asked", async () => {
    const user = userEvent.setup();
    const sent = stubApi(
      WRITER,
      { runs: [POSTED_RUN] },
      {
        feeRun: (body) =>
          body.preview
            ? jsonResponse({ ...PREVIEW, period_start: "2025-04-01", period_end: "2025-06-30" })
            : jsonResponse(
                { ...postedRun(body), id: "run-2", period_start: "2025-04-01", period_end: "2025-06-30" },
                201,
              ),
      },
    );
    renderTab();

    await user.click(await screen.findByRole("button", { name: "Bill a period" }));
    const form = await screen.findByRole("form", { name: "Bill a period" });
    expect(within(form).getByLabelText(/Period start/)).toHaveValue("2025-04-01");
    await user.click(within(form).getByLabelText("Also draft a capital call for the fees"));
    expect(within(form).getByLabelText("Call date")).toBeInTheDocument();
    await user.click(within(form).getByRole("button", { name: "Preview" }));
    await user.click(await within(form).findByRole("button", { name: "Bill the period" }));

    await waitFor(() =>
      expect(screen.queryByRole("form", { name: "Bill a period" })).not.toBeInTheDocument(),
    );
    expect(posts(sent).map((request) => request.body)).toEqual([
      { period_start: "2025-04-01", preview: true, call: false },
      { period_start: "2025-04-01", preview: false, call: true },
    ]);
    await waitFor(() => expect(screen.getAllByTestId("fee-run-row")).toHaveLength(2));
    const rows = screen.getAllByTestId("fee-run-row");
    const link = screen.getByRole("link", { name: "Open the call" });
    expect(link).toHaveAttribute("href", "/capital-calls/call-7");
    expect(rows[0]).toContainElement(link);
  });

  it("puts the API's refusal of the period start on its field and keeps the form open", async () => {
    const user = userEvent.setup();
    const sent = stubApi(
      WRITER,
      {},
      {
        feeRun: () =>
          problemResponse(422, "Invalid request", "period_start: not a billing date", [
            {
              field: "period_start",
              message:
                "2025-01-15 is not a billing date of this fund: bill the initial close (2025-01-20) or the first day of a later quarter.",
            },
          ]),
      },
    );
    renderTab();

    await user.click(await screen.findByRole("button", { name: "Bill a period" }));
    const form = await screen.findByRole("form", { name: "Bill a period" });
    await user.click(within(form).getByRole("button", { name: "Preview" }));

    expect(await within(form).findByText(/is not a billing date of this fund/)).toBeInTheDocument();
    expect(within(form).getByLabelText(/Period start/)).toHaveAttribute("aria-invalid", "true");
    expect(within(form).queryByRole("alert")).not.toBeInTheDocument();
    expect(within(form).queryByRole("table", { name: "Fee periods" })).not.toBeInTheDocument();
    expect(posts(sent)).toHaveLength(1);
  });

  it("drops the preview when the period turns out to be billed already", async () => {
    const user = userEvent.setup();
    stubApi(
      WRITER,
      {},
      {
        feeRun: (body) =>
          body.preview
            ? jsonResponse(PREVIEW)
            : problemResponse(
                409,
                "Conflict",
                "The fees of the period starting 2025-01-15 were billed already.",
                [{ field: "period_start", message: "already billed" }],
              ),
      },
    );
    renderTab();

    await user.click(await screen.findByRole("button", { name: "Bill a period" }));
    const form = await screen.findByRole("form", { name: "Bill a period" });
    await user.click(within(form).getByRole("button", { name: "Preview" }));
    await user.click(await within(form).findByRole("button", { name: "Bill the period" }));

    expect(await within(form).findByText("already billed")).toBeInTheDocument();
    expect(within(form).getByRole("alert")).toHaveTextContent("were billed already");
    expect(within(form).queryByRole("table", { name: "Fee periods" })).not.toBeInTheDocument();
    expect(within(form).getByRole("button", { name: "Preview" })).toBeInTheDocument();
  });

  it("says why a fee run cannot be cancelled", async () => {
    const user = userEvent.setup();
    const sent = stubApi(
      WRITER,
      { runs: [POSTED_RUN] },
      {
        cancelRun: () =>
          problemResponse(
            409,
            "Conflict",
            "These fees were paid to the manager; the fee run cannot be cancelled.",
          ),
      },
    );
    renderTab();

    await user.click(await screen.findByRole("button", { name: /^Cancel the fees of/ }));
    const dialog = await screen.findByRole("dialog", { name: "Cancel the fee run" });
    expect(dialog).toHaveTextContent("$40,191.78");
    await user.click(within(dialog).getByRole("button", { name: "Cancel fee run" }));

    const alert = await within(dialog).findByRole("alert");
    expect(alert).toHaveTextContent("The fee run could not be cancelled");
    expect(alert).toHaveTextContent("These fees were paid to the manager");
    expect(posts(sent).map((request) => request.path)).toEqual(["/api/v1/fee-runs/run-1/cancel"]);
    expect(screen.getByTestId("fee-run-row")).toHaveTextContent("Posted");
  });

  it("records an expense, shows each partner's share, then cancels it after a confirmation", async () => {
    const user = userEvent.setup();
    const sent = stubApi(
      WRITER,
      {},
      {
        expense: (body) =>
          jsonResponse(
            {
              ...EXPENSE,
              id: "exp-2",
              expense_date: body.expense_date,
              amount: "18500.00",
              category: body.category,
              vendor: body.vendor,
              description: body.description,
              allocations: [
                {
                  commitment_id: "c-1",
                  investor_id: "inv-1",
                  investor_name: "Aspen Family Trust",
                  amount: "11100.00",
                },
                {
                  commitment_id: "c-2",
                  investor_id: "inv-2",
                  investor_name: "Birch Pension Plan",
                  amount: "7400.00",
                },
              ],
            },
            201,
          ),
        cancelExpense: () =>
          jsonResponse({ ...EXPENSE, id: "exp-2", expense_date: todayIso(), status: "cancelled" }),
      },
    );
    renderTab();

    expect(await screen.findByText("No expenses were recorded yet.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Record expense" }));
    const form = await screen.findByRole("form", { name: "Record expense" });
    expect(within(form).getByLabelText(/^Date/)).toHaveValue(todayIso());
    await user.click(within(form).getByRole("button", { name: "Record expense" }));
    expect(await within(form).findByText("Enter the amount of the expense.")).toBeInTheDocument();
    expect(posts(sent)).toEqual([]);

    await user.type(within(form).getByLabelText(/amount \(USD\)/i), "18,500");
    await user.type(within(form).getByRole("textbox", { name: /^Category/ }), "audit");
    await user.type(within(form).getByLabelText("Vendor"), "Baker & Lane LLP");
    await user.type(within(form).getByLabelText("Description"), "Annual audit");
    await user.click(within(form).getByRole("button", { name: "Record expense" }));

    const dialog = await screen.findByRole("dialog", { name: "Expense recorded" });
    const shares = within(dialog).getAllByTestId("expense-allocation-row");
    expect(shares).toHaveLength(2);
    expect(shares[0]).toHaveTextContent("Aspen Family Trust");
    expect(shares[0]).toHaveTextContent("$11,100.00");
    expect(shares[1]).toHaveTextContent("$7,400.00");
    expect(posts(sent)[0]?.body).toEqual({
      expense_date: todayIso(),
      amount: "18500",
      category: "audit",
      vendor: "Baker & Lane LLP",
      description: "Annual audit",
    });
    expect(posts(sent)[0]?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    await user.click(within(dialog).getByRole("button", { name: "Done" }));

    const row = await screen.findByTestId("expense-row");
    expect(row).toHaveTextContent("Baker & Lane LLP");
    expect(row).toHaveTextContent("Posted");
    await user.click(within(row).getByRole("button", { name: /^Cancel the expense/ }));
    const confirm = await screen.findByRole("dialog", { name: "Cancel the expense" });
    expect(confirm).toHaveTextContent("the partners are no longer charged for it");
    await user.click(within(confirm).getByRole("button", { name: "Cancel expense" }));

    await waitFor(() => expect(screen.getByTestId("expense-row")).toHaveTextContent("Cancelled"));
    expect(posts(sent)[1]?.path).toBe("/api/v1/expenses/exp-2/cancel");
    expect(within(screen.getByTestId("expense-row")).queryByRole("button")).not.toBeInTheDocument();
  });

  it("says why an expense paid in part cannot be cancelled", async () => {
    const user = userEvent.setup();
    stubApi(
      WRITER,
      { expenses: [EXPENSE] },
      {
        cancelExpense: () =>
          problemResponse(
            409,
            "Conflict",
            "This expense was paid (in part or in full); it cannot be cancelled.",
          ),
      },
    );
    renderTab();

    await user.click(await screen.findByRole("button", { name: /^Cancel the expense/ }));
    const dialog = await screen.findByRole("dialog", { name: "Cancel the expense" });
    await user.click(within(dialog).getByRole("button", { name: "Cancel expense" }));

    expect(await within(dialog).findByRole("alert")).toHaveTextContent("it cannot be cancelled");
    expect(within(dialog).getByRole("button", { name: "Cancel expense" })).toBeDisabled();
  });

  it("records a transaction fee from a portfolio company", async () => {
    const user = userEvent.setup();
    const sent = stubApi(
      WRITER,
      {},
      {
        transactionFee: (body) =>
          jsonResponse(
            {
              id: "tf-2",
              fund_id: "fund-1",
              currency: "USD",
              company_id: body.company_id,
              received_date: body.received_date,
              amount: "5000.00",
              description: body.description ?? null,
              status: "recorded",
              cancelled_at: null,
              cancellation_reason: null,
              created_at: "2025-05-01T10:00:00Z",
            },
            201,
          ),
      },
    );
    renderTab();

    await user.click(await screen.findByRole("button", { name: "Record transaction fee" }));
    const form = await screen.findByRole("form", { name: "Record transaction fee" });
    await user.type(within(form).getByLabelText(/amount \(USD\)/i), "5000");
    await user.click(within(form).getByRole("button", { name: "Record transaction fee" }));
    expect(await within(form).findByText("Choose the company that paid it.")).toBeInTheDocument();

    await user.click(within(form).getByRole("textbox", { name: /Portfolio company/ }));
    await user.click(await screen.findByRole("option", { name: "Helix Robotics" }));
    await user.type(within(form).getByLabelText("Description"), "Board fee");
    await user.click(within(form).getByRole("button", { name: "Record transaction fee" }));

    await waitFor(() =>
      expect(screen.queryByRole("form", { name: "Record transaction fee" })).not.toBeInTheDocument(),
    );
    const row = await screen.findByTestId("transaction-fee-row");
    expect(row).toHaveTextContent("Helix Robotics");
    expect(row).toHaveTextContent("$5,000.00");
    expect(posts(sent)[0]?.body).toEqual({
      received_date: todayIso(),
      amount: "5000",
      company_id: "co-1",
      description: "Board fee",
    });
  });

  it("cancels a transaction fee with its reason, or says which fee run it reduced", async () => {
    const user = userEvent.setup();
    let refuse = true;
    const sent = stubApi(
      WRITER,
      { transactionFees: [FEE] },
      {
        cancelTransactionFee: (body) =>
          refuse
            ? problemResponse(
                409,
                "Conflict",
                "The management fee billed for 2025-04-01 to 2025-06-30 was reduced by this transaction fee: cancel that fee run first, then this fee.",
              )
            : jsonResponse({
                ...FEE,
                status: "cancelled",
                cancelled_at: "2025-05-02T10:00:00Z",
                cancellation_reason: body.reason,
              }),
      },
    );
    renderTab();

    const row = await screen.findByTestId("transaction-fee-row");
    expect(row).toHaveTextContent("Recorded");
    await user.click(within(row).getByRole("button", { name: /^Cancel the transaction fee of \$2,000\.00/ }));
    const form = await screen.findByRole("form", { name: "Cancel the transaction fee" });
    expect(form).toHaveTextContent("Helix Robotics");
    await user.click(within(form).getByRole("button", { name: "Cancel fee" }));
    expect(await within(form).findByText("Say why the fee is cancelled.")).toBeInTheDocument();
    expect(posts(sent)).toEqual([]);

    await user.type(within(form).getByLabelText(/Reason/), "Recorded twice");
    await user.click(within(form).getByRole("button", { name: "Cancel fee" }));
    const alert = await within(form).findByRole("alert");
    expect(alert).toHaveTextContent("cancel that fee run first");
    expect(screen.getByTestId("transaction-fee-row")).toHaveTextContent("Recorded");

    refuse = false;
    await user.click(within(form).getByRole("button", { name: "Cancel fee" }));
    await waitFor(() =>
      expect(screen.queryByRole("form", { name: "Cancel the transaction fee" })).not.toBeInTheDocument(),
    );
    await waitFor(() => expect(screen.getByTestId("transaction-fee-row")).toHaveTextContent("Cancelled"));
    expect(within(screen.getByTestId("transaction-fee-row")).queryByRole("button")).toBeNull();
    expect(posts(sent).map((request) => [request.path, request.body])).toEqual([
      ["/api/v1/transaction-fees/tf-1/cancel", { reason: "Recorded twice" }],
      ["/api/v1/transaction-fees/tf-1/cancel", { reason: "Recorded twice" }],
    ]);
  });

  it("totals the transaction fees that still offset management fees, leaving out cancelled ones", async () => {
    stubApi(READER, {
      transactionFees: [
        FEE,
        { ...FEE, id: "tf-2", amount: "500.50", status: "cancelled", cancelled_at: "2025-03-01T10:00:00Z" },
        { ...FEE, id: "tf-3", amount: "1000.25" },
      ],
    });
    renderTab();

    const table = await screen.findByRole("table", { name: "Transaction fees" });
    await within(table).findAllByTestId("transaction-fee-row");
    const footer = within(table).getByText("Total not cancelled").closest("tr");
    expect(footer).toHaveTextContent("$3,000.25");
  });
});
