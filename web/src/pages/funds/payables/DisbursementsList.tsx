import { Group, Stack, Table, Text, Title } from "@mantine/core";

import { ErrorAlert } from "../../../components/ErrorAlert";
import { LoadMore } from "../../../components/LoadMore";
import { TableCard } from "../../../components/TableCard";
import { TableSkeleton } from "../../../components/TableSkeleton";
import { formatDate, humanize } from "../../../components/formatting";
import { CsvButton } from "../../../components/CsvButton";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { useDisbursements } from "./payables";

/** What the fund paid out of its cash (fees, expenses, withheld tax), latest first, with its CSV export. */
export function DisbursementsList({ fundId }: { fundId: string }) {
  const disbursements = useDisbursements(fundId);
  const rows = disbursements.rows;
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={4}>Disbursements</Title>
        <CsvButton href={csvUrl("/api/v1/funds/{fund_id}/disbursements", { fund_id: fundId })} />
      </Group>
      {disbursements.isPending ? (
        <TableSkeleton label="Loading disbursements" />
      ) : disbursements.isError && rows.length === 0 ? (
        <ErrorAlert
          error={disbursements.error}
          onRetry={() => void disbursements.refetch()}
          isRetrying={disbursements.isFetching}
        />
      ) : (
        <>
          <TableCard minWidth={760}>
            <Table horizontalSpacing="md" verticalSpacing="xs" highlightOnHover aria-label="Disbursements">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Paid</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Payee</Table.Th>
                  <Table.Th ta="right">Amount</Table.Th>
                  <Table.Th>Reference</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.length === 0 ? (
                  <Table.Tr>
                    <Table.Td colSpan={5}>
                      <Text c="dimmed" size="sm" ta="center" py="md">
                        Nothing was paid out of the fund&apos;s cash yet.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ) : (
                  rows.map((row) => (
                    <Table.Tr key={row.id} data-testid="disbursement-row">
                      <Table.Td>{formatDate(row.paid_date)}</Table.Td>
                      <Table.Td>{humanize(row.kind)}</Table.Td>
                      <Table.Td>{row.payee}</Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.amount} currency={row.currency} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace">
                          {row.reference ?? "—"}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))
                )}
              </Table.Tbody>
            </Table>
          </TableCard>
          <LoadMore
            hasNextPage={disbursements.hasNextPage}
            isFetchingNextPage={disbursements.isFetchingNextPage}
            error={disbursements.error}
            fetchNextPage={() => void disbursements.fetchNextPage()}
          />
        </>
      )}
    </Stack>
  );
}
