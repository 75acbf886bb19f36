import { Text, Title } from "@mantine/core";

import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { formatDate, humanize } from "../../../components/formatting";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { useDisbursements, type Disbursement } from "./queries";

const COLUMNS: DataTableColumn<Disbursement>[] = [
  { accessor: "paid_date", title: "Paid", noWrap: true, render: (row) => formatDate(row.paid_date) },
  { accessor: "kind", title: "Kind", visibleFrom: "sm", render: (row) => humanize(row.kind) },
  { accessor: "payee", title: "Payee" },
  {
    accessor: "amount",
    title: "Amount",
    textAlign: "right",
    render: (row) => <Money value={row.amount} currency={row.currency} />,
  },
  {
    accessor: "reference",
    title: "Reference",
    visibleFrom: "sm",
    render: (row) => (
      <Text size="xs" ff="monospace">
        {row.reference ?? "—"}
      </Text>
    ),
  },
];

/** What the fund paid out of its cash (fees, expenses, withheld tax), latest first, with its CSV export. */
export function DisbursementsList({ fundId }: { fundId: string }) {
  const disbursements = useDisbursements(fundId);
  return (
    <DataTable
      label="Disbursements"
      columns={COLUMNS}
      records={disbursements.rows}
      idAccessor="id"
      query={disbursements}
      noRecordsText="Nothing was paid out of the fund's cash yet."
      csvHref={csvUrl("/api/v1/funds/{fund_id}/disbursements", { fund_id: fundId })}
      rowAttributes={() => ({ "data-testid": "disbursement-row" })}
      toolbar={<Title order={4}>Disbursements</Title>}
    />
  );
}
