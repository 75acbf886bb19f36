import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { renderWithProviders } from "../../../test/render";
import { ACCOUNT_COLUMNS, CapitalAccountsTable, ReconciliationBadge } from "./CapitalAccountsTab";
import type { CapitalAccount, Reconciliation } from "./queries";

function account(investorId: string, name: string, amounts: Partial<CapitalAccount>): CapitalAccount {
  const zero = Object.fromEntries(ACCOUNT_COLUMNS.map((column) => [column.key, "0.00"]));
  return {
    ...zero,
    fund_id: "fund-1",
    fund_name: "Northwind Growth Fund II",
    currency: "USD",
    investor_id: investorId,
    investor_name: name,
    is_gp: false,
    ...amounts,
  } as CapitalAccount;
}

const ACCOUNTS = [
  account("i-1", "Alder Creek College Endowment", {
    contributions: "600000.10",
    management_fees: "-12500.05",
    ending_balance: "587500.05",
  }),
  account("i-2", "Cascade Teachers' Retirement System", {
    contributions: "400000.20",
    management_fees: "-8333.37",
    ending_balance: "391666.83",
  }),
];

describe("CapitalAccountsTable", () => {
  it("adds a total row that sums every column exactly", () => {
    renderWithProviders(<CapitalAccountsTable accounts={ACCOUNTS} label="Capital accounts" />);
    const table = screen.getByRole("table", { name: "Capital accounts" });
    expect(within(table).getAllByTestId("capital-account-row")).toHaveLength(2);

    const total = within(table).getByTestId("total-row");
    const cells = within(total).getAllByRole("cell");
    const titles = within(table)
      .getAllByRole("columnheader")
      .map((header) => header.textContent);
    const cellUnder = (title: string) => cells[titles.indexOf(title)]?.textContent;
    expect(cellUnder("Partner")).toBe("Total");
    expect(cellUnder("Contributions")).toBe("$1,000,000.30");
    expect(cellUnder("Management fees")).toBe("-$20,833.42");
    expect(cellUnder("Ending")).toBe("$979,166.88");
    expect(cellUnder("Beginning")).toBe("$0.00");
  });

  it("keeps the partner column in view and shows every column up to Ending", () => {
    renderWithProviders(<CapitalAccountsTable accounts={ACCOUNTS} label="Capital accounts" />);
    const table = screen.getByRole("table", { name: "Capital accounts" });
    const headers = within(table).getAllByRole("columnheader");
    expect(headers[0]).toHaveTextContent("Partner");
    expect(headers[0]?.className).toMatch(/pinned/);
    expect(headers.at(-1)).toHaveTextContent("Ending");
    expect(headers).toHaveLength(ACCOUNT_COLUMNS.length + 1);
  });

  it("has no total for a single partner", () => {
    renderWithProviders(<CapitalAccountsTable accounts={ACCOUNTS.slice(0, 1)} label="My capital account" />);
    expect(screen.queryByTestId("total-row")).not.toBeInTheDocument();
  });
});

const RECONCILIATION: Reconciliation = {
  fund_id: "fund-1",
  currency: "USD",
  as_of: "2025-12-31",
  lp_capital: "979166.88",
  gp_capital: "0.00",
  partners_capital: "979166.88",
  partners_equity: "979166.88",
  net_assets: "979166.88",
  equity_difference: "0.00",
  nav_difference: "0.00",
  trial_balance_balanced: true,
  unknown_partners: [],
  reconciles: true,
  documents_agree: true,
  document_differences: [],
};

describe("ReconciliationBadge", () => {
  it("says the ledger agrees with the documents when both checks pass", () => {
    renderWithProviders(<ReconciliationBadge reconciliation={RECONCILIATION} />);
    expect(screen.getByText("Reconciles with the ledger")).toBeInTheDocument();
    expect(screen.getByText("Agrees with the documents")).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("flags a ledger that balances but differs from the documents, and lists each difference", () => {
    renderWithProviders(
      <ReconciliationBadge
        reconciliation={{
          ...RECONCILIATION,
          documents_agree: false,
          document_differences: [
            {
              investor_id: "i-1",
              investor_name: "Alder Creek College Endowment",
              line: "contributions",
              from_documents: "600000.00",
              from_ledger: "600250.00",
              difference: "-250.00",
            },
          ],
        }}
      />,
    );
    expect(screen.getByText("Reconciles with the ledger")).toBeInTheDocument();
    expect(screen.getByText("Ledger differs from the documents")).toBeInTheDocument();
    const table = screen.getByRole("table", { name: "Differences between the documents and the ledger" });
    const row = within(table).getByTestId("document-difference");
    expect(row).toHaveTextContent("Alder Creek College Endowment");
    expect(row).toHaveTextContent("Contributions");
    expect(row).toHaveTextContent("$600,250.00");
    expect(row).toHaveTextContent("-$250.00");
  });
});
