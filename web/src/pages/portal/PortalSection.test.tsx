import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { ResponseOf } from "../../api/types";
import { jsonResponse, renderWithProviders } from "../../test/render";
import PortalSection from "./PortalSection";

type Commitment = ResponseOf<"/api/v1/portal/commitments", "get">[number];
type Call = ResponseOf<"/api/v1/portal/capital-calls", "get">[number];
type Payment = ResponseOf<"/api/v1/portal/payments", "get">["items"][number];

const COMMITMENT: Commitment = {
  id: "c-1",
  fund_id: "fund-1",
  fund_name: "Northwind Growth Fund II",
  currency: "USD",
  investor_id: "inv-1",
  investor_name: "Alder Creek College Endowment",
  close_id: "close-1",
  close_number: 1,
  close_date: "2025-01-15",
  amount: "6000000.00",
  is_gp: false,
  sequence: 1,
  status: "active",
  called: "0.00",
  contributed: "0.00",
  recallable: "0.00",
  unfunded: "6000000.00",
  created_at: "2025-01-15T10:00:00Z",
};

const CALL: Call = {
  call_id: "call-1",
  fund_id: "fund-1",
  fund_name: COMMITMENT.fund_name,
  currency: "USD",
  number: 1,
  purpose: "investment",
  call_date: "2025-02-03",
  due_date: "2025-02-17",
  status: "issued",
  is_overdue: false,
  investor_id: "inv-1",
  investor_name: COMMITMENT.investor_name,
  commitment_id: "c-1",
  amount: "600000.00",
  equalization_interest: "0.00",
  amount_due: "600000.00",
  paid_amount: "200000.00",
  outstanding: "400000.00",
  allocation_status: "partially_paid",
  payment_reference: "NGF2-C1-001",
  notice_url: "/api/v1/portal/capital-calls/call-1/notice",
};

const PAYMENT: Payment = {
  id: "pay-1",
  fund_id: "fund-1",
  fund_name: COMMITMENT.fund_name,
  call_id: "call-1",
  call_number: 1,
  call_allocation_id: "alloc-1",
  investor_id: "inv-1",
  investor_name: COMMITMENT.investor_name,
  currency: "USD",
  amount: "200000.00",
  received_date: "2025-02-14",
  reference: "NGF2-C1-001",
  method: "wire",
  status: "received",
  ledger_entry_id: "entry-1",
  created_at: "2025-02-14T10:00:00Z",
};

/** The portal of an LP with one commitment and, unless given, nothing called or paid yet. */
function stubApi({ calls = [], payments = [] }: { calls?: Call[]; payments?: Payment[] } = {}) {
  const sent: URL[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const url = new URL(request.url);
      sent.push(url);
      switch (url.pathname) {
        case "/api/v1/portal/investors":
          return jsonResponse([{ id: "inv-1", name: COMMITMENT.investor_name }]);
        case "/api/v1/portal/commitments":
          return jsonResponse([COMMITMENT]);
        case "/api/v1/portal/capital-calls":
          return jsonResponse(calls);
        case "/api/v1/portal/performance":
        case "/api/v1/portal/distributions":
          return jsonResponse([]);
        case "/api/v1/portal/payments":
          return jsonResponse({ items: payments, next_cursor: null });
        default:
          throw new Error(`unexpected ${request.method} ${url.pathname}`);
      }
    }),
  );
  return sent;
}

/** A phone-wide window: every `(max-width: …)` query matches. */
function narrowScreen() {
  vi.spyOn(window, "matchMedia").mockImplementation(
    (query: string) =>
      ({
        matches: query.startsWith("(max-width"),
        media: query,
        onchange: null,
        addListener: () => undefined,
        removeListener: () => undefined,
        addEventListener: () => undefined,
        removeEventListener: () => undefined,
        dispatchEvent: () => false,
      }) as MediaQueryList,
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("PortalSection", () => {
  it("shows the LP's own share of a call as paid or not, not the call's overall status", async () => {
    stubApi({ calls: [CALL] });
    renderWithProviders(
      <Routes>
        <Route path="/portal/*" element={<PortalSection />} />
      </Routes>,
      { route: "/portal/capital-calls" },
    );

    const row = await screen.findByTestId("portal-call");
    expect(row).toHaveTextContent("Partially paid");
    expect(row).not.toHaveTextContent("Issued");
  });

  it("names the fund of each payment", async () => {
    stubApi({ payments: [PAYMENT] });
    renderWithProviders(
      <Routes>
        <Route path="/portal/*" element={<PortalSection />} />
      </Routes>,
      { route: "/portal/payments" },
    );

    const table = await screen.findByRole("table", { name: "My payments" });
    expect(await within(table).findByText("Northwind Growth Fund II")).toBeInTheDocument();
  });

  it("offers each of the LP's lists as a CSV download of format=csv", async () => {
    const user = userEvent.setup();
    const sent = stubApi();
    renderWithProviders(
      <Routes>
        <Route path="/portal/*" element={<PortalSection />} />
      </Routes>,
      { route: "/portal" },
    );

    expect(await screen.findByTestId("portal-commitment")).toHaveTextContent("Northwind Growth Fund II");
    const tabs: [string | null, string][] = [
      [null, "/api/v1/portal/commitments?format=csv"],
      ["Capital calls", "/api/v1/portal/capital-calls?format=csv"],
      ["Distributions", "/api/v1/portal/distributions?format=csv"],
      ["Payments", "/api/v1/portal/payments?format=csv"],
    ];
    for (const [tab, href] of tabs) {
      if (tab) await user.click(screen.getByRole("tab", { name: tab }));
      const link = await screen.findByRole("link", { name: "Export CSV" });
      expect(link).toHaveAttribute("href", href);
      expect(link).toHaveAttribute("download");
    }

    // The lists themselves are still read as JSON; only the links ask for CSV.
    expect(sent.filter((url) => url.searchParams.has("format"))).toEqual([]);
  });

  it("shows a commitment on a phone as a card with its commitment and unfunded amounts", async () => {
    narrowScreen();
    stubApi();
    renderWithProviders(
      <Routes>
        <Route path="/portal/*" element={<PortalSection />} />
      </Routes>,
      { route: "/portal" },
    );

    const card = await screen.findByTestId("portal-commitment");
    expect(card).toHaveAttribute("role", "listitem");
    expect(screen.queryByRole("table", { name: "My commitments" })).not.toBeInTheDocument();
    expect(card).toHaveTextContent("Northwind Growth Fund II");
    expect(card).toHaveTextContent(/Commitment\$6,000,000\.00/);
    expect(card).toHaveTextContent(/Unfunded\$6,000,000\.00/);
  });
});
