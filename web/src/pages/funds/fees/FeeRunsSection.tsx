import { Anchor, Button, Group, Stack, Title, VisuallyHidden } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconReceipt } from "@tabler/icons-react";
import { useState } from "react";
import { Link } from "react-router";

import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { formatDate } from "../../../components/formatting";
import { formatMoney } from "../shared/format";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import type { Fund } from "../shared/queries";
import { StatusBadge } from "../shared/StatusBadge";
import { BillPeriodModal } from "./BillPeriodModal";
import { ConfirmCancelModal } from "./ConfirmCancelModal";
import { nextBillingDate } from "./fees";
import { useCancelFeeRun, useFeeRuns, type FeeRun } from "./queries";

function period(run: FeeRun): string {
  return `${formatDate(run.period_start)} – ${formatDate(run.period_end)}`;
}

/**
 * The fund's management fee runs (period, due date, gross, transaction fee offset, net, status
 * and the capital call drafted for them), with their CSV export; the holders of fee:write bill
 * the next period and cancel a run billed by mistake.
 */
export function FeeRunsSection({ fund, canWrite }: { fund: Fund; canWrite: boolean }) {
  const runs = useFeeRuns(fund.id);
  const rows = runs.rows;
  const [billing, setBilling] = useState(false);
  const [session, setSession] = useState(0);
  /** The run to cancel, kept while the dialog closes so its text does not vanish mid-transition. */
  const [cancelling, setCancelling] = useState<FeeRun | null>(null);
  const [confirming, setConfirming] = useState(false);

  const cancel = useCancelFeeRun(fund.id);
  const confirmCancel = (run: FeeRun) =>
    cancel.mutate(run, {
      onSuccess: (cancelled) => {
        setConfirming(false);
        notifications.show({
          message: `The fees of ${period(cancelled)} are cancelled; their entry is reversed.`,
          color: "teal",
        });
      },
    });

  const columns: DataTableColumn<FeeRun>[] = [
    { accessor: "period_start", title: "Period", render: (run) => period(run) },
    {
      accessor: "due_date",
      title: "Due",
      visibleFrom: "sm",
      noWrap: true,
      render: (run) => formatDate(run.due_date),
    },
    {
      accessor: "gross_amount",
      title: "Gross",
      textAlign: "right",
      visibleFrom: "md",
      render: (run) => <Money value={run.gross_amount} currency={run.currency} />,
    },
    {
      accessor: "offset_amount",
      title: "Offset",
      textAlign: "right",
      visibleFrom: "md",
      render: (run) => <Money value={run.offset_amount} currency={run.currency} />,
    },
    {
      accessor: "total_amount",
      title: "Net",
      textAlign: "right",
      render: (run) => <Money value={run.total_amount} currency={run.currency} fw={600} />,
    },
    {
      accessor: "status",
      title: "Status",
      render: (run) => (run.status ? <StatusBadge status={run.status} /> : null),
    },
    {
      accessor: "capital_call_id",
      title: "Capital call",
      visibleFrom: "sm",
      render: (run) =>
        run.capital_call_id ? (
          <Anchor component={Link} to={`/capital-calls/${run.capital_call_id}`} size="sm">
            Open the call
          </Anchor>
        ) : (
          "—"
        ),
    },
    {
      accessor: "actions",
      title: <VisuallyHidden>Actions</VisuallyHidden>,
      textAlign: "right",
      hidden: !canWrite,
      render: (run) =>
        run.status === "posted" ? (
          <Button
            size="xs"
            variant="subtle"
            color="red"
            aria-label={`Cancel the fees of ${period(run)}`}
            onClick={() => {
              cancel.reset();
              setCancelling(run);
              setConfirming(true);
            }}
          >
            Cancel
          </Button>
        ) : null,
    },
  ];

  return (
    <Stack gap="sm">
      <DataTable
        label="Fee runs"
        columns={columns}
        records={rows}
        idAccessor={(run) => run.id ?? run.period_start}
        query={runs}
        noRecordsText="No management fees were billed yet."
        csvHref={csvUrl("/api/v1/funds/{fund_id}/fee-runs", { fund_id: fund.id })}
        rowAttributes={() => ({ "data-testid": "fee-run-row" })}
        cardsBelow="sm"
        toolbar={
          <Group justify="space-between" style={{ flex: 1 }} gap="sm">
            <Title order={4}>Management fees</Title>
            {canWrite ? (
              <Button
                leftSection={<IconReceipt size={16} />}
                disabled={runs.isPending}
                onClick={() => {
                  setSession((current) => current + 1);
                  setBilling(true);
                }}
              >
                Bill a period
              </Button>
            ) : null}
          </Group>
        }
      />
      {canWrite ? (
        <>
          <BillPeriodModal
            fundId={fund.id}
            opened={billing}
            session={session}
            defaultPeriodStart={nextBillingDate(rows, fund.initial_close_date)}
            onClose={() => setBilling(false)}
          />
          <ConfirmCancelModal
            opened={confirming && cancelling !== null}
            title="Cancel the fee run"
            confirmLabel="Cancel fee run"
            errorTitle="The fee run could not be cancelled"
            error={cancel.error}
            isPending={cancel.isPending}
            onConfirm={() => cancelling && confirmCancel(cancelling)}
            onClose={() => setConfirming(false)}
          >
            {cancelling
              ? `The management fees of ${period(cancelling)} (${formatMoney(cancelling.total_amount, cancelling.currency)}) will be cancelled: their entry is reversed, a draft or approved capital call for them is cancelled with them, and the period can be billed again.`
              : ""}
          </ConfirmCancelModal>
        </>
      ) : null}
    </Stack>
  );
}
