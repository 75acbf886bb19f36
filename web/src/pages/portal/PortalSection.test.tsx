import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { ResponseOf } from "../../api/types";
import { jsonResponse, renderWithProviders } from "../../test/render";
import PortalSection from "./PortalSection";

type Commitment = ResponseOf<"/api/v1/portal/commitments", "get">[number];

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

/** The portal of an LP with one commitment and nothing called, paid or distributed yet. */
function stubApi() {
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
        case "/api/v1/portal/performance":
        case "/api/v1/portal/capital-calls":
        case "/api/v1/portal/distributions":
          return jsonResponse([]);
        case "/api/v1/portal/payments":
          return jsonResponse({ items: [], next_cursor: null });
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
