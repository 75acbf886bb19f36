import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { ResponseOf } from "../../../api/types";
import { renderWithProviders } from "../../../test/render";
import { EqualizationCard } from "./EqualizationCard";

type Item = NonNullable<ResponseOf<"/api/v1/capital-calls/{call_id}", "get">["equalization"]>[number];

const ITEMS: Item[] = [
  {
    commitment_id: "c-9",
    investor_name: "Cedar Point Pension",
    kind: "fee",
    source_call_id: null,
    source_fee_run_id: "run-1",
    due_date: "2025-01-15",
    amount: "12500.00",
    rate: "0.08",
    days: 120,
    interest: "328.77",
  },
  {
    commitment_id: "c-9",
    investor_name: "Cedar Point Pension",
    kind: "capital_call",
    source_call_id: "call-2",
    source_fee_run_id: null,
    due_date: "2025-02-28",
    amount: "400000.10",
    rate: "0.08",
    days: 76,
    interest: "6663.02",
  },
];

describe("EqualizationCard", () => {
  it("lists what each late closer catches up, with exact totals", () => {
    renderWithProviders(<EqualizationCard items={ITEMS} currency="USD" />);

    expect(screen.getByRole("heading", { name: "Catch-up of the late closers" })).toBeInTheDocument();
    const table = screen.getByRole("table", { name: "Equalization catch-up" });
    const rows = within(table).getAllByTestId("equalization-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Cedar Point Pension");
    expect(rows[0]).toHaveTextContent("Management fee");
    expect(rows[0]).toHaveTextContent("$12,500.00");
    expect(rows[0]).toHaveTextContent("120");
    expect(rows[0]).toHaveTextContent("$328.77");
    expect(rows[1]).toHaveTextContent("Capital call");
    expect(within(table).getByRole("link", { name: "Capital call" })).toHaveAttribute(
      "href",
      "/capital-calls/call-2",
    );
    const total = within(table).getByTestId("equalization-total");
    expect(total).toHaveTextContent("$412,500.10");
    expect(total).toHaveTextContent("$6,991.79");
  });
});
