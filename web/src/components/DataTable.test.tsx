import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiError } from "../api/problem";
import { renderWithProviders } from "../test/render";
import { DataTable, type DataTableColumn, type DataTableQuery } from "./DataTable";

interface Fund {
  id: string;
  name: string;
  commitment: string;
}

const COLUMNS: DataTableColumn<Fund>[] = [
  { accessor: "name", title: "Fund" },
  { accessor: "commitment", title: "Commitment", textAlign: "right", visibleFrom: "sm" },
];

const FUNDS: Fund[] = [
  { id: "f-1", name: "Northwind Growth Fund II", commitment: "6000000.00" },
  { id: "f-2", name: "Northwind Europe Fund I", commitment: "2500000.00" },
];

function settled(overrides: Partial<DataTableQuery> = {}): DataTableQuery {
  return { isPending: false, isError: false, error: null, isFetching: false, refetch: vi.fn(), ...overrides };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("DataTable", () => {
  it("shows a labelled skeleton while the first page loads", () => {
    renderWithProviders(
      <DataTable
        label="Funds"
        columns={COLUMNS}
        records={undefined}
        idAccessor="id"
        query={settled({ isPending: true, isFetching: true })}
      />,
    );
    expect(screen.getByLabelText("Loading funds")).toHaveAttribute("aria-busy", "true");
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("shows nothing to load for a list that waits (pending, not fetching)", () => {
    renderWithProviders(
      <DataTable
        label="Funds"
        columns={COLUMNS}
        records={[]}
        idAccessor="id"
        query={settled({ isPending: true })}
        noRecordsText="Pick a fund first."
      />,
    );
    expect(screen.getByText("Pick a fund first.")).toBeInTheDocument();
  });

  it("renders a row per record under the column titles, with the row's attributes", () => {
    renderWithProviders(
      <DataTable
        label="Funds"
        columns={COLUMNS}
        records={FUNDS}
        idAccessor="id"
        rowAttributes={() => ({ "data-testid": "fund-row" })}
      />,
    );
    const table = screen.getByRole("table", { name: "Funds" });
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((th) => th.textContent),
    ).toEqual(["Fund", "Commitment"]);
    const rows = screen.getAllByTestId("fund-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Northwind Growth Fund II");
    expect(rows[1]).toHaveTextContent("2500000.00");
  });

  it("says the list is empty in words", () => {
    renderWithProviders(
      <DataTable
        label="Funds"
        columns={COLUMNS}
        records={[]}
        idAccessor="id"
        query={settled()}
        noRecordsText="No funds yet."
      />,
    );
    expect(
      within(screen.getByRole("table", { name: "Funds" })).getByText("No funds yet."),
    ).toBeInTheDocument();
  });

  it("shows the error of the first page with a retry", async () => {
    const user = userEvent.setup();
    const refetch = vi.fn();
    const error = new ApiError({
      type: "about:blank",
      title: "Service unavailable",
      status: 503,
      detail: "The database is restarting.",
      errors: [],
    });
    renderWithProviders(
      <DataTable
        label="Funds"
        columns={COLUMNS}
        records={[]}
        idAccessor="id"
        query={settled({ isError: true, error, refetch })}
      />,
    );
    expect(screen.getByRole("alert")).toHaveTextContent("The database is restarting.");
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(refetch).toHaveBeenCalledTimes(1);
  });

  it("offers Load more while there is a next page, and the next page's error under the rows", async () => {
    const user = userEvent.setup();
    const fetchNextPage = vi.fn();
    const { unmount } = renderWithProviders(
      <DataTable
        label="Funds"
        columns={COLUMNS}
        records={FUNDS}
        idAccessor="id"
        query={settled({ hasNextPage: true, fetchNextPage })}
      />,
    );
    await user.click(screen.getByRole("button", { name: "Load more" }));
    expect(fetchNextPage).toHaveBeenCalledTimes(1);

    unmount();
    renderWithProviders(
      <DataTable
        label="Funds"
        columns={COLUMNS}
        records={FUNDS}
        idAccessor="id"
        query={settled({ hasNextPage: true, fetchNextPage, isError: true, error: new Error("offline") })}
      />,
    );
    expect(screen.getByRole("table", { name: "Funds" })).toHaveTextContent("Northwind Europe Fund I");
    expect(screen.getByRole("alert")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(fetchNextPage).toHaveBeenCalledTimes(2);
  });

  it("has no Load more on the last page", () => {
    renderWithProviders(
      <DataTable
        label="Funds"
        columns={COLUMNS}
        records={FUNDS}
        idAccessor="id"
        query={settled({ hasNextPage: false, fetchNextPage: vi.fn() })}
      />,
    );
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });

  it("links its CSV export beside the toolbar", () => {
    renderWithProviders(
      <DataTable
        label="Funds"
        columns={COLUMNS}
        records={FUNDS}
        idAccessor="id"
        csvHref="/api/v1/funds?format=csv"
        toolbar={<span>Filters</span>}
      />,
    );
    const link = screen.getByRole("link", { name: "Export CSV" });
    expect(link).toHaveAttribute("href", "/api/v1/funds?format=csv");
    expect(link).toHaveAttribute("download");
    expect(screen.getByText("Filters")).toBeInTheDocument();
  });

  it("adds a total row from the columns' footers", () => {
    renderWithProviders(
      <DataTable
        label="Funds"
        columns={[
          { ...COLUMNS[0]!, footer: "Total" },
          { ...COLUMNS[1]!, footer: "8500000.00" },
        ]}
        records={FUNDS}
        idAccessor="id"
      />,
    );
    const total = screen.getByTestId("total-row");
    expect(total.closest("tfoot")).not.toBeNull();
    expect(total).toHaveTextContent("Total");
    expect(total).toHaveTextContent("8500000.00");
  });

  it("gives the total row the attributes asked for", () => {
    renderWithProviders(
      <DataTable
        label="Funds"
        columns={[
          { ...COLUMNS[0]!, footer: "Total" },
          { ...COLUMNS[1]!, footer: "8500000.00" },
        ]}
        records={FUNDS}
        idAccessor="id"
        footerAttributes={{ "data-testid": "commitment-total" }}
      />,
    );
    expect(screen.queryByTestId("total-row")).not.toBeInTheDocument();
    expect(screen.getByTestId("commitment-total")).toHaveTextContent("8500000.00");
  });

  it("says its rows are busy while they are read again, not while a next page loads", () => {
    const { unmount } = renderWithProviders(
      <DataTable
        label="Funds"
        columns={COLUMNS}
        records={FUNDS}
        idAccessor="id"
        query={settled({ isFetching: true })}
      />,
    );
    expect(screen.getByRole("table", { name: "Funds" })).toHaveAttribute("aria-busy", "true");
    unmount();
    renderWithProviders(
      <DataTable
        label="Funds"
        columns={COLUMNS}
        records={FUNDS}
        idAccessor="id"
        query={settled({
          isFetching: true,
          isFetchingNextPage: true,
          hasNextPage: true,
          fetchNextPage: vi.fn(),
        })}
      />,
    );
    expect(screen.getByRole("table", { name: "Funds" })).not.toHaveAttribute("aria-busy");
  });

  it("shows a record's details under its row only while it is expanded", () => {
    const expansion = (expandedId: string | null) => ({
      isExpanded: (fund: Fund) => fund.id === expandedId,
      content: (fund: Fund) => <span>Details of {fund.name}</span>,
      id: (fund: Fund) => `details-${fund.id}`,
    });
    const { unmount } = renderWithProviders(
      <DataTable
        label="Funds"
        columns={COLUMNS}
        records={FUNDS}
        idAccessor="id"
        rowExpansion={expansion(null)}
      />,
    );
    expect(screen.queryByText(/^Details of/)).not.toBeInTheDocument();
    expect(document.getElementById("details-f-1")).not.toBeVisible();

    unmount();
    renderWithProviders(
      <DataTable
        label="Funds"
        columns={COLUMNS}
        records={FUNDS}
        idAccessor="id"
        rowExpansion={expansion("f-2")}
      />,
    );
    expect(screen.getByText("Details of Northwind Europe Fund I")).toBeInTheDocument();
    expect(screen.queryByText("Details of Northwind Growth Fund II")).not.toBeInTheDocument();
    expect(document.getElementById("details-f-2")).toContainElement(
      screen.getByText("Details of Northwind Europe Fund I"),
    );
  });

  it("keeps the cells of a no-wrap column to one line", () => {
    renderWithProviders(
      <DataTable
        label="Funds"
        columns={[COLUMNS[0]!, { ...COLUMNS[1]!, noWrap: true }]}
        records={FUNDS}
        idAccessor="id"
      />,
    );
    expect(screen.getByRole("cell", { name: "6000000.00" })).toHaveStyle({ whiteSpace: "nowrap" });
    expect(screen.getByRole("cell", { name: "Northwind Growth Fund II" })).not.toHaveStyle({
      whiteSpace: "nowrap",
    });
  });

  it("hides a column on narrow screens by the breakpoint it is visible from", () => {
    renderWithProviders(<DataTable label="Funds" columns={COLUMNS} records={FUNDS} idAccessor="id" />);
    const header = screen.getByRole("columnheader", { name: "Commitment" });
    expect(header).toHaveClass("mantine-visible-from-sm");
    expect(screen.getByRole("columnheader", { name: "Fund" })).not.toHaveClass("mantine-visible-from-sm");
  });

  it("shows each record as a card of its fields under the card breakpoint", () => {
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
    renderWithProviders(
      <DataTable label="Funds" columns={COLUMNS} records={FUNDS} idAccessor="id" cardsBelow="sm" />,
    );
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
    const cards = within(screen.getByRole("list", { name: "Funds" })).getAllByRole("listitem");
    expect(cards).toHaveLength(2);
    expect(cards[0]).toHaveTextContent("Northwind Growth Fund II");
    expect(cards[0]).toHaveTextContent("Commitment");
    expect(cards[0]).toHaveTextContent("6000000.00");
  });
});
