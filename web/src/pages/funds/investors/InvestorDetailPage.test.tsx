import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { ResponseOf } from "../../../api/types";
import type { Me } from "../../../auth/session";
import { jsonResponse, renderWithProviders } from "../../../test/render";
import { InvestorDetailPage } from "./InvestorDetailPage";

type Investor = ResponseOf<"/api/v1/investors/{investor_id}", "get">;
type Commitment = ResponseOf<"/api/v1/investors/{investor_id}/commitments", "get">["items"][number];
type CallSummary = ResponseOf<"/api/v1/capital-calls", "get">["items"][number];
type Call = ResponseOf<"/api/v1/capital-calls/{call_id}", "get">;
type CapitalAccount = ResponseOf<"/api/v1/funds/{fund_id}/capital-accounts/{investor_id}", "get">;

const INVESTOR: Investor = {
  id: "inv-1",
  kind: "entity",
  name: "Alder Creek College Endowment",
  email: "treasury@alder.example",
  phone: null,
  address: null,
  country: "US",
  tax_id: "•••• 6789",
  bank_name: null,
  bank_account: null,
  bank_routing: null,
  sensitive_visible: false,
  withholding_rate: "0",
  notes: null,
  created_at: "2025-01-02T10:00:00Z",
  updated_at: "2025-01-02T10:00:00Z",
};

const FUNDS = {
  "fund-1": { name: "Northwind Growth Fund II", currency: "USD" },
  "fund-2": { name: "Northwind Europe Fund I", currency: "EUR" },
} as const;
type FundId = keyof typeof FUNDS;

function commitment(id: string, fundId: FundId, amount: string): Commitment {
  return {
    id,
    fund_id: fundId,
    fund_name: FUNDS[fundId].name,
    currency: FUNDS[fundId].currency,
    investor_id: "inv-1",
    investor_name: INVESTOR.name,
    close_id: `close-${fundId}`,
    close_number: 1,
    close_date: "2025-01-15",
    amount,
    is_gp: false,
    sequence: 1,
    status: "active",
    called: "0.00",
    contributed: "0.00",
    recallable: "0.00",
    unfunded: amount,
    created_at: "2025-01-15T10:00:00Z",
  };
}

function callSummary(id: string, fundId: FundId, number: number, status: CallSummary["status"]): CallSummary {
  return {
    id,
    fund_id: fundId,
    fund_name: FUNDS[fundId].name,
    currency: FUNDS[fundId].currency,
    number,
    purpose: "investment",
    basis: "commitment",
    amount: "1000000.00",
    amount_due: "1000000.00",
    paid_amount: "0.00",
    outstanding: "1000000.00",
    call_date: "2026-03-02",
    due_date: "2026-03-16",
    status,
    is_overdue: false,
    description: null,
    created_by: "user-manager",
    approved_by: null,
    approved_at: null,
    issued_at: null,
    cancelled_at: null,
    paid_at: null,
    ledger_entry_id: null,
    created_at: "2026-03-01T10:00:00Z",
  };
}

/** The call with the investor's share (`mine` of its million) and another LP's. */
function callDetail(summary: CallSummary, mine: string): Call {
  const other = (1000000 - Number(mine)).toFixed(2);
  const allocation = (investorId: string, name: string, amount: string, sequence: number) => ({
    id: `${summary.id}-a-${sequence}`,
    commitment_id: `${summary.id}-c-${sequence}`,
    investor_id: investorId,
    investor_name: name,
    sequence,
    amount,
    equalization_interest: "0.00",
    amount_due: amount,
    paid_amount: "0.00",
    outstanding: amount,
    status: "unpaid" as const,
    payment_reference: `CALL ${summary.number} ${sequence}`,
  });
  return {
    ...summary,
    allocations: [
      allocation("inv-1", INVESTOR.name, mine, 1),
      allocation("inv-2", "Birch Pension Plan", other, 2),
    ],
    equalization: [],
  };
}

function capitalAccount(fundId: FundId): CapitalAccount {
  return {
    fund_id: fundId,
    fund_name: FUNDS[fundId].name,
    currency: FUNDS[fundId].currency,
    investor_id: "inv-1",
    investor_name: INVESTOR.name,
    is_gp: false,
    start: null,
    end: "2026-03-31",
    beginning_balance: "0.00",
    contributions: "0.00",
    distributions: "0.00",
    management_fees: "0.00",
    fee_offsets: "0.00",
    expenses: "0.00",
    realized_gains: "0.00",
    unrealized_gains: "0.00",
    income: "0.00",
    equalization_interest: "0.00",
    carried_interest: "0.00",
    ending_balance: "0.00",
  };
}

function me(permissions: string[]): Me {
  return {
    user: {
      id: "user-1",
      email: "manager@example.com",
      full_name: "Maria Lopez",
      mfa_enabled: false,
      last_login_at: null,
    },
    organization: { id: "org-1", name: "Northwind Capital", slug: "northwind", base_currency: "USD" },
    role: "fund_manager",
    permissions,
    memberships: [],
  };
}

const READER = [
  "fund:read",
  "investor:read",
  "commitment:read",
  "capital_call:read",
  "payment:read",
  "ledger:read",
];

interface Api {
  /** The investor's commitments, page by page: the cursor of page n is `page-n`. */
  commitmentPages: Commitment[][];
  calls: CallSummary[];
  /** The investor's share of each call, by call id. */
  shares: Record<string, string>;
}

/** The API of one investor; answers what the page asks, and records every URL asked for. */
function stubApi({ commitmentPages, calls, shares }: Api) {
  const sent: URL[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const url = new URL(request.url);
      sent.push(url);
      const path = url.pathname;
      if (path === "/api/v1/me") return jsonResponse(me(READER));
      if (path === "/api/v1/investors/inv-1") return jsonResponse(INVESTOR);
      if (path === "/api/v1/investors/inv-1/users") return jsonResponse([]);
      if (path === "/api/v1/investors/inv-1/commitments") {
        const cursor = url.searchParams.get("cursor");
        const index = cursor ? Number(cursor.replace("page-", "")) : 0;
        const next = index + 1 < commitmentPages.length ? `page-${index + 1}` : null;
        return jsonResponse({ items: commitmentPages[index] ?? [], next_cursor: next });
      }
      if (path === "/api/v1/capital-calls") return jsonResponse({ items: calls, next_cursor: null });
      const call = calls.find((entry) => path === `/api/v1/capital-calls/${entry.id}`);
      if (call) return jsonResponse(callDetail(call, shares[call.id] ?? "0.00"));
      if (path === "/api/v1/payments") return jsonResponse({ items: [], next_cursor: null });
      const account = /^\/api\/v1\/funds\/(fund-\d)\/capital-accounts\/inv-1$/.exec(path);
      if (account) return jsonResponse(capitalAccount(account[1] as FundId));
      throw new Error(`unexpected ${request.method} ${path}`);
    }),
  );
  return sent;
}

function renderPage() {
  return renderWithProviders(
    <Routes>
      <Route path="/investors/:investorId" element={<InvestorDetailPage />} />
    </Routes>,
    { route: "/investors/inv-1" },
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("InvestorDetailPage", () => {
  it("lists the commitments in every fund with one request, not one per fund", async () => {
    const sent = stubApi({
      commitmentPages: [
        [commitment("c-1", "fund-1", "6000000.00"), commitment("c-2", "fund-2", "2500000.00")],
      ],
      calls: [],
      shares: {},
    });
    renderPage();

    const table = await screen.findByRole("table", { name: "Commitments across funds" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Northwind Growth Fund II");
    expect(rows[0]).toHaveTextContent("6,000,000.00");
    expect(rows[1]).toHaveTextContent("Northwind Europe Fund I");
    expect(rows[1]).toHaveTextContent("2,500,000.00");
    expect(within(table).getByRole("link", { name: "Northwind Europe Fund I" })).toHaveAttribute(
      "href",
      "/funds/fund-2",
    );

    // Both funds' capital accounts, from the fund ids of the commitments.
    const accounts = await screen.findByRole("table", { name: "Capital account since inception" });
    expect(
      await within(accounts).findByText("Northwind Europe Fund I", { exact: false }),
    ).toBeInTheDocument();

    const paths = sent.map((url) => url.pathname);
    expect(paths.filter((path) => path === "/api/v1/investors/inv-1/commitments")).toHaveLength(1);
    expect(paths.filter((path) => /^\/api\/v1\/funds\/[^/]+\/commitments$/.test(path))).toEqual([]);
    expect(paths).not.toContain("/api/v1/funds");
  });

  it("pages the commitments with Load more and exports them all as CSV", async () => {
    const user = userEvent.setup();
    const sent = stubApi({
      commitmentPages: [
        [commitment("c-1", "fund-1", "6000000.00")],
        [commitment("c-2", "fund-2", "2500000.00")],
      ],
      calls: [],
      shares: {},
    });
    renderPage();

    const table = await screen.findByRole("table", { name: "Commitments across funds" });
    expect(within(table).getAllByRole("row").slice(1)).toHaveLength(1);
    expect(table).not.toHaveTextContent("Northwind Europe Fund I");

    await user.click(screen.getByRole("button", { name: "Load more" }));

    expect(await within(table).findByText("Northwind Europe Fund I")).toBeInTheDocument();
    expect(within(table).getAllByRole("row").slice(1)).toHaveLength(2);
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
    const pages = sent.filter((url) => url.pathname === "/api/v1/investors/inv-1/commitments");
    expect(pages.map((url) => url.searchParams.get("cursor"))).toEqual([null, "page-1"]);

    const exports = screen
      .getAllByRole("link", { name: "Export CSV" })
      .map((link) => link.getAttribute("href"));
    expect(exports).toContain("/api/v1/investors/inv-1/commitments?format=csv");
  });

  it("lists the investor's own share of its calls from one filtered list, not one per fund", async () => {
    const calls = [
      callSummary("call-1", "fund-1", 3, "issued"),
      callSummary("call-2", "fund-2", 1, "paid"),
      callSummary("call-3", "fund-1", 2, "cancelled"),
    ];
    const sent = stubApi({
      commitmentPages: [
        [commitment("c-1", "fund-1", "6000000.00"), commitment("c-2", "fund-2", "2500000.00")],
      ],
      calls,
      shares: { "call-1": "600000.00", "call-2": "250000.00", "call-3": "100000.00" },
    });
    renderPage();

    const table = await screen.findByRole("table", { name: "Capital calls of the investor" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Northwind Growth Fund II: call 3");
    expect(rows[0]).toHaveTextContent("600,000.00");
    expect(rows[0]).not.toHaveTextContent("1,000,000.00");
    expect(rows[1]).toHaveTextContent("Northwind Europe Fund I: call 1");
    expect(rows[1]).toHaveTextContent("250,000.00");
    expect(table).not.toHaveTextContent("call 2");

    const lists = sent.filter((url) => url.pathname === "/api/v1/capital-calls");
    expect(lists).toHaveLength(1);
    expect(lists[0]?.searchParams.get("investor_id")).toBe("inv-1");
    expect(lists[0]?.searchParams.has("fund_id")).toBe(false);
    const details = sent.filter((url) => url.pathname.startsWith("/api/v1/capital-calls/"));
    expect(details.map((url) => url.pathname).sort()).toEqual([
      "/api/v1/capital-calls/call-1",
      "/api/v1/capital-calls/call-2",
    ]);
  });
});
