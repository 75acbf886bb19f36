import { Anchor, Badge, Group } from "@mantine/core";
import type { ReactNode } from "react";
import { Link } from "react-router";

import type { ResponseOf } from "../../../api/types";
import { DataTable, type DataTableColumn, type DataTableQuery } from "../../../components/DataTable";
import { formatDate, humanize } from "../../../components/formatting";
import { Money } from "../shared/Money";
import { StatusBadge } from "../shared/StatusBadge";

export type CallSummary = ResponseOf<"/api/v1/capital-calls", "get">["items"][number];

function callColumns(showFund: boolean): DataTableColumn<CallSummary>[] {
  return [
    {
      accessor: "number",
      title: "Call",
      render: (call) => (
        <Anchor component={Link} to={`/capital-calls/${call.id}`} size="sm" fw={500}>
          Call {call.number}
        </Anchor>
      ),
    },
    {
      accessor: "fund_name",
      title: "Fund",
      hidden: !showFund,
      visibleFrom: "md",
      render: (call) => (
        <Anchor component={Link} to={`/funds/${call.fund_id}`} size="sm">
          {call.fund_name}
        </Anchor>
      ),
    },
    { accessor: "purpose", title: "Purpose", visibleFrom: "sm", render: (call) => humanize(call.purpose) },
    {
      accessor: "call_date",
      title: "Call date",
      visibleFrom: "md",
      render: (call) => formatDate(call.call_date),
    },
    { accessor: "due_date", title: "Due", visibleFrom: "sm", render: (call) => formatDate(call.due_date) },
    {
      accessor: "amount_due",
      title: "Amount due",
      textAlign: "right",
      render: (call) => <Money value={call.amount_due} currency={call.currency} />,
    },
    {
      accessor: "paid_amount",
      title: "Paid",
      textAlign: "right",
      visibleFrom: "md",
      render: (call) => <Money value={call.paid_amount} currency={call.currency} />,
    },
    {
      accessor: "outstanding",
      title: "Outstanding",
      textAlign: "right",
      visibleFrom: "sm",
      render: (call) => <Money value={call.outstanding} currency={call.currency} />,
    },
    {
      accessor: "status",
      title: "Status",
      render: (call) => (
        <Group gap={4} wrap="wrap">
          <StatusBadge status={call.status} />
          {call.is_overdue ? (
            <Badge color="red" variant="filled" size="sm">
              Overdue
            </Badge>
          ) : null}
        </Group>
      ),
    },
  ];
}

/** Capital calls, newest first, each linking to its page; a phone keeps amount due and status. */
export function CallsTable({
  calls,
  showFund = true,
  label = "Capital calls",
  query,
  csvHref,
  toolbar,
}: {
  calls: readonly CallSummary[];
  showFund?: boolean;
  label?: string;
  query?: DataTableQuery;
  csvHref?: string;
  toolbar?: ReactNode;
}) {
  return (
    <DataTable
      label={label}
      columns={callColumns(showFund)}
      records={calls}
      idAccessor="id"
      query={query}
      noRecordsText="No capital calls."
      csvHref={csvHref}
      toolbar={toolbar}
      rowAttributes={() => ({ "data-testid": "call-row" })}
    />
  );
}
