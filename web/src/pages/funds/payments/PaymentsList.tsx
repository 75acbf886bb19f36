import { Anchor, Button, Group, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import { Link } from "react-router";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import type { QueryOf } from "../../../api/types";
import { hasPermission, useMe } from "../../../auth/session";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { LoadMore } from "../../../components/LoadMore";
import { TableCard } from "../../../components/TableCard";
import { TableSkeleton } from "../../../components/TableSkeleton";
import { formatDate, humanize } from "../../../components/formatting";
import { CsvButton } from "../../../components/CsvButton";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { formatMoney } from "../shared/format";
import { ReversePaymentModal, type Payment } from "./ReversePaymentModal";
import { paymentKeys } from "../../../api/queryKeys";

export type PaymentFilters = QueryOf<"/api/v1/payments", "get">;

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
  const payments = useCursorList([...paymentKeys.all, "list", query], (cursor) =>
    unwrap(api.GET("/api/v1/payments", { params: { query: { ...query, ...(cursor ? { cursor } : {}) } } })),
  );
  const rows = payments.rows;
  const columns = (showFund ? 7 : 6) + (canReverse ? 1 : 0);
  return (
    <Stack gap="sm">
      <Group justify="flex-end">
        <CsvButton href={csvUrl("/api/v1/payments", {}, query)} />
      </Group>
      {payments.isPending ? (
        <TableSkeleton label="Loading payments" />
      ) : payments.isError && rows.length === 0 ? (
        <ErrorAlert
          error={payments.error}
          onRetry={() => void payments.refetch()}
          isRetrying={payments.isFetching}
        />
      ) : (
        <>
          <TableCard minWidth={820}>
            <Table horizontalSpacing="md" verticalSpacing="xs" highlightOnHover aria-label="Payments">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Received</Table.Th>
                  <Table.Th>Investor</Table.Th>
                  <Table.Th>Call</Table.Th>
                  <Table.Th ta="right">Amount</Table.Th>
                  <Table.Th>Method</Table.Th>
                  <Table.Th>Reference</Table.Th>
                  {showFund ? <Table.Th>Recorded</Table.Th> : null}
                  {canReverse ? (
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
                        No payments.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ) : (
                  rows.map((payment) => (
                    <Table.Tr key={payment.id} data-testid="payment-row">
                      <Table.Td>{formatDate(payment.received_date)}</Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={`/investors/${payment.investor_id}`} size="sm">
                          {payment.investor_name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={`/capital-calls/${payment.call_id}`} size="sm">
                          {showFund
                            ? `${payment.fund_name}: call ${payment.call_number}`
                            : `Call ${payment.call_number}`}
                        </Anchor>
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={payment.amount} currency={payment.currency} />
                      </Table.Td>
                      <Table.Td>{humanize(payment.method)}</Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace">
                          {payment.reference ?? "—"}
                        </Text>
                      </Table.Td>
                      {showFund ? <Table.Td>{formatDate(payment.created_at)}</Table.Td> : null}
                      {canReverse ? (
                        <Table.Td ta="right">
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
                        </Table.Td>
                      ) : null}
                    </Table.Tr>
                  ))
                )}
              </Table.Tbody>
            </Table>
          </TableCard>
          <LoadMore
            hasNextPage={payments.hasNextPage}
            isFetchingNextPage={payments.isFetchingNextPage}
            error={payments.error}
            fetchNextPage={() => void payments.fetchNextPage()}
          />
        </>
      )}
      {canReverse ? (
        <ReversePaymentModal opened={confirming} payment={reversing} onClose={() => setConfirming(false)} />
      ) : null}
    </Stack>
  );
}
