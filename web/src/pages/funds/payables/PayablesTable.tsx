import { Button, VisuallyHidden } from "@mantine/core";

import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { formatDate, humanize } from "../../../components/formatting";
import { Money } from "../shared/Money";
import type { Payable, Payables } from "./queries";

interface PayablesTableProps {
  payables: Payables;
  /** Offer to pay each item (the holders of payment:write). */
  canPay: boolean;
  onPay: (item: Payable) => void;
}

/** Each expense not fully paid and each distribution's withholding not remitted. */
export function PayablesTable({ payables, canPay, onPay }: PayablesTableProps) {
  const cur = payables.currency;
  const columns: DataTableColumn<Payable>[] = [
    {
      accessor: "item_date",
      title: "Date",
      visibleFrom: "sm",
      noWrap: true,
      render: (item) => formatDate(item.item_date),
    },
    { accessor: "kind", title: "Kind", visibleFrom: "sm", render: (item) => humanize(item.kind) },
    { accessor: "description", title: "Description" },
    {
      accessor: "amount",
      title: "Amount",
      textAlign: "right",
      visibleFrom: "sm",
      render: (item) => <Money value={item.amount} currency={cur} />,
    },
    {
      accessor: "outstanding",
      title: "Outstanding",
      textAlign: "right",
      render: (item) => <Money value={item.outstanding} currency={cur} fw={600} />,
    },
    {
      accessor: "actions",
      title: <VisuallyHidden>Actions</VisuallyHidden>,
      textAlign: "right",
      hidden: !canPay,
      render: (item) => (
        <Button size="xs" variant="light" onClick={() => onPay(item)} aria-label={`Pay ${item.description}`}>
          Pay
        </Button>
      ),
    },
  ];
  return (
    <DataTable
      label="Outstanding payables"
      columns={columns}
      records={payables.items}
      idAccessor={(item) => `${item.kind}-${item.expense_id ?? item.distribution_id ?? item.description}`}
      noRecordsText="No expense or withholding is left to pay."
      rowAttributes={() => ({ "data-testid": "payable-row" })}
    />
  );
}
