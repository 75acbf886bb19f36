import { Anchor, Button, Group, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconReceipt } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";

import { api, unwrap } from "../../../api/client";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { LoadMore } from "../../../components/LoadMore";
import { TableCard } from "../../../components/TableCard";
import { TableSkeleton } from "../../../components/TableSkeleton";
import { formatDate } from "../../../components/formatting";
import { CsvButton } from "../../../components/CsvButton";
import { formatMoney } from "../shared/format";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import type { Fund } from "../shared/queries";
import { StatusBadge } from "../shared/StatusBadge";
import { BillPeriodModal } from "./BillPeriodModal";
import { ConfirmCancelModal } from "./ConfirmCancelModal";
import { nextBillingDate, refreshFund, useFeeRuns, type FeeRun } from "./fees";

function period(run: FeeRun): string {
  return `${formatDate(run.period_start)} – ${formatDate(run.period_end)}`;
}

/**
 * The fund's management fee runs (period, due date, gross, transaction fee offset, net, status
 * and the capital call drafted for them), with their CSV export; the holders of fee:write bill
 * the next period and cancel a run billed by mistake.
 */
export function FeeRunsSection({ fund, canWrite }: { fund: Fund; canWrite: boolean }) {
  const queryClient = useQueryClient();
  const runs = useFeeRuns(fund.id);
  const rows = runs.rows;
  const [billing, setBilling] = useState(false);
  const [session, setSession] = useState(0);
  /** The run to cancel, kept while the dialog closes so its text does not vanish mid-transition. */
  const [cancelling, setCancelling] = useState<FeeRun | null>(null);
  const [confirming, setConfirming] = useState(false);

  const cancel = useMutation({
    mutationFn: (run: FeeRun) =>
      unwrap(
        api.POST("/api/v1/fee-runs/{fee_run_id}/cancel", { params: { path: { fee_run_id: run.id ?? "" } } }),
      ),
    onSuccess: async (run) => {
      setConfirming(false);
      notifications.show({
        message: `The fees of ${period(run)} are cancelled; their entry is reversed.`,
        color: "teal",
      });
      await refreshFund(queryClient, fund.id, run.capital_call_id !== null);
    },
  });

  const columns = canWrite ? 8 : 7;
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={4}>Management fees</Title>
        <Group gap="sm">
          <CsvButton href={csvUrl("/api/v1/funds/{fund_id}/fee-runs", { fund_id: fund.id })} />
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
      </Group>
      {runs.isPending ? (
        <TableSkeleton label="Loading fee runs" />
      ) : runs.isError && rows.length === 0 ? (
        <ErrorAlert error={runs.error} onRetry={() => void runs.refetch()} isRetrying={runs.isFetching} />
      ) : (
        <>
          <TableCard minWidth={900}>
            <Table horizontalSpacing="md" verticalSpacing="xs" highlightOnHover aria-label="Fee runs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Period</Table.Th>
                  <Table.Th>Due</Table.Th>
                  <Table.Th ta="right">Gross</Table.Th>
                  <Table.Th ta="right">Offset</Table.Th>
                  <Table.Th ta="right">Net</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Capital call</Table.Th>
                  {canWrite ? (
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  ) : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.length === 0 ? (
                  <Table.Tr>
                    <Table.Td colSpan={columns}>
                      <Text c="dimmed" size="sm" ta="center" py="md">
                        No management fees were billed yet.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ) : (
                  rows.map((run) => (
                    <Table.Tr key={run.id ?? run.period_start} data-testid="fee-run-row">
                      <Table.Td>{period(run)}</Table.Td>
                      <Table.Td>{formatDate(run.due_date)}</Table.Td>
                      <Table.Td ta="right">
                        <Money value={run.gross_amount} currency={run.currency} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={run.offset_amount} currency={run.currency} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={run.total_amount} currency={run.currency} fw={600} />
                      </Table.Td>
                      <Table.Td>{run.status ? <StatusBadge status={run.status} /> : null}</Table.Td>
                      <Table.Td>
                        {run.capital_call_id ? (
                          <Anchor component={Link} to={`/capital-calls/${run.capital_call_id}`} size="sm">
                            Open the call
                          </Anchor>
                        ) : (
                          "—"
                        )}
                      </Table.Td>
                      {canWrite ? (
                        <Table.Td ta="right">
                          {run.status === "posted" ? (
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
                          ) : null}
                        </Table.Td>
                      ) : null}
                    </Table.Tr>
                  ))
                )}
              </Table.Tbody>
            </Table>
          </TableCard>
          <LoadMore
            hasNextPage={runs.hasNextPage}
            isFetchingNextPage={runs.isFetchingNextPage}
            error={runs.error}
            fetchNextPage={() => void runs.fetchNextPage()}
          />
        </>
      )}
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
            onConfirm={() => cancelling && cancel.mutate(cancelling)}
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
