import { Anchor, Button, Text, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import { Link } from "react-router";

import { hasPermission, useMe } from "../../../auth/session";
import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { formatDate, humanize } from "../../../components/formatting";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { formatMoney } from "../shared/format";
import { usePayments, type Payment, type PaymentFilters } from "./queries";
import { ReversePaymentModal } from "./ReversePaymentModal";

/**
 * Payments received against capital calls, newest first, with their CSV export; the holders of
 * payment:write reverse one recorded by mistake, after a confirmation.
 */
export function PaymentsList({ filters, showFund = true }: { filters: PaymentFilters; showFund?: boolean }) {
  const me = useMe();
  const canReverse = hasPermission(me.data, "payment:write");
  const [reversing, setReversing] = useState<Payment | null>(null);
  const [confirming, setConfirming] = useState(false);
  const query = { limit: 50, ...filters };
  const payments = usePayments(query);
  const columns: DataTableColumn<Payment>[] = [
    {
      accessor: "received_date",
      title: "Received",
      noWrap: true,
      render: (payment) => formatDate(payment.received_date),
    },
    {
      accessor: "investor_name",
      title: "Investor",
      render: (payment) => (
        <Anchor component={Link} to={`/investors/${payment.investor_id}`} size="sm">
          {payment.investor_name}
        </Anchor>
      ),
    },
    {
      accessor: "call_number",
      title: "Call",
      visibleFrom: "sm",
      render: (payment) => (
        <Anchor component={Link} to={`/capital-calls/${payment.call_id}`} size="sm">
          {showFund ? `${payment.fund_name}: call ${payment.call_number}` : `Call ${payment.call_number}`}
        </Anchor>
      ),
    },
    {
      accessor: "amount",
      title: "Amount",
      textAlign: "right",
      render: (payment) => <Money value={payment.amount} currency={payment.currency} />,
    },
    { accessor: "method", title: "Method", visibleFrom: "md", render: (payment) => humanize(payment.method) },
    {
      accessor: "reference",
      title: "Reference",
      visibleFrom: "md",
      render: (payment) => (
        <Text size="xs" ff="monospace">
          {payment.reference ?? "—"}
        </Text>
      ),
    },
    {
      accessor: "created_at",
      title: "Recorded",
      visibleFrom: "md",
      hidden: !showFund,
      render: (payment) => formatDate(payment.created_at),
    },
    {
      accessor: "actions",
      title: <VisuallyHidden>Actions</VisuallyHidden>,
      textAlign: "right",
      hidden: !canReverse,
      render: (payment) => (
        <Button
          size="xs"
          variant="subtle"
          color="red"
          aria-label={`Reverse the payment of ${formatMoney(payment.amount, payment.currency)} by ${payment.investor_name}`}
          onClick={() => {
            setReversing(payment);
            setConfirming(true);
          }}
        >
          Reverse
        </Button>
      ),
    },
  ];
  return (
    <>
      <DataTable
        label="Payments"
        columns={columns}
        records={payments.rows}
        idAccessor="id"
        query={payments}
        noRecordsText="No payments."
        csvHref={csvUrl("/api/v1/payments", {}, query)}
        rowAttributes={() => ({ "data-testid": "payment-row" })}
        cardsBelow="sm"
      />
      {canReverse ? (
        <ReversePaymentModal opened={confirming} payment={reversing} onClose={() => setConfirming(false)} />
      ) : null}
    </>
  );
}
