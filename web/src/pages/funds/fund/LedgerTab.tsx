import { Badge, Button, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { Fragment, useState } from "react";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { LoadMore } from "../../../components/LoadMore";
import { TableCard } from "../../../components/TableCard";
import { TableSkeleton } from "../../../components/TableSkeleton";
import { formatDate, humanize } from "../../../components/formatting";
import { DateField } from "../shared/DateField";
import { formatMoney, todayIso } from "../shared/format";
import { apiUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { QueryView } from "../shared/PanelState";
import { type Fund } from "../shared/queries";
import { fundKeys } from "../../../api/queryKeys";

function TrialBalance({ fund }: { fund: Fund }) {
  const [asOf, setAsOf] = useState<string | null>(todayIso());
  const trialBalance = useQuery({
    queryKey: fundKeys.part(fund.id, "trial-balance", asOf),
    enabled: asOf !== null,
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/ledger/books/{book_id}/trial-balance", {
          params: { path: { book_id: fund.book_id }, query: { as_of: asOf ?? todayIso() } },
        }),
      ),
  });
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <Title order={4}>Trial balance</Title>
        <DateField label="As of" value={asOf} onChange={setAsOf} w={170} />
      </Group>
      <QueryView query={trialBalance} loadingLabel="Loading the trial balance">
        {(data) => (
          <Stack gap="xs">
            <Group gap="sm">
              {data.is_balanced ? (
                <Badge color="teal" variant="light">
                  Balanced
                </Badge>
              ) : (
                <Badge color="red" variant="filled">
                  Not balanced
                </Badge>
              )}
              {Object.keys(data.total_debits).map((currency) => (
                <Text size="xs" c="dimmed" key={currency}>
                  {currency}: debits {formatMoney(data.total_debits[currency], currency)}, credits{" "}
                  {formatMoney(data.total_credits[currency], currency)}
                </Text>
              ))}
            </Group>
            <TableCard minWidth={720}>
              <Table horizontalSpacing="md" verticalSpacing={4} aria-label="Trial balance">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Account</Table.Th>
                    <Table.Th>Type</Table.Th>
                    <Table.Th ta="right">Debit</Table.Th>
                    <Table.Th ta="right">Credit</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.rows.length === 0 ? (
                    <Table.Tr>
                      <Table.Td colSpan={4}>
                        <Text size="sm" c="dimmed" ta="center" py="sm">
                          Nothing is posted yet.
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ) : (
                    data.rows.map((row) => (
                      <Table.Tr key={`${row.account_code}-${row.currency}`}>
                        <Table.Td>
                          <Text size="sm">
                            <Text span ff="monospace" size="xs" c="dimmed">
                              {row.account_code}
                            </Text>{" "}
                            {row.account_name}
                          </Text>
                        </Table.Td>
                        <Table.Td>{humanize(row.account_type)}</Table.Td>
                        <Table.Td ta="right">
                          <Money value={row.debit} currency={row.currency} />
                        </Table.Td>
                        <Table.Td ta="right">
                          <Money value={row.credit} currency={row.currency} />
                        </Table.Td>
                      </Table.Tr>
                    ))
                  )}
                </Table.Tbody>
              </Table>
            </TableCard>
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}

function Journal({ fund }: { fund: Fund }) {
  const [start, setStart] = useState<string | null>(null);
  const [end, setEnd] = useState<string | null>(null);
  const period = { ...(start ? { start } : {}), ...(end ? { end } : {}) };
  const entries = useCursorList(fundKeys.part(fund.id, "entries", period), (cursor) =>
    unwrap(
      api.GET("/api/v1/ledger/books/{book_id}/entries", {
        params: {
          path: { book_id: fund.book_id },
          query: { ...period, sort: "-entry_date", limit: 50, ...(cursor ? { cursor } : {}) },
        },
      }),
    ),
  );
  const rows = entries.rows;
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={4}>Journal</Title>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <DateField label="From" value={start} onChange={setStart} clearable w={160} />
          <DateField label="To" value={end} onChange={setEnd} clearable w={160} />
          <Button
            component="a"
            href={apiUrl("/api/v1/ledger/books/{book_id}/entries.csv", { book_id: fund.book_id }, period)}
            download
            variant="default"
            leftSection={<IconDownload size={16} />}
          >
            Journal CSV
          </Button>
          <Button
            component="a"
            href={apiUrl("/api/v1/ledger/books/{book_id}/gl-export.csv", { book_id: fund.book_id }, period)}
            download
            variant="default"
            leftSection={<IconDownload size={16} />}
          >
            GL export
          </Button>
        </Group>
      </Group>
      {entries.isPending ? (
        <TableSkeleton label="Loading journal entries" />
      ) : entries.isError && rows.length === 0 ? (
        <ErrorAlert
          error={entries.error}
          onRetry={() => void entries.refetch()}
          isRetrying={entries.isFetching}
        />
      ) : (
        <>
          <TableCard minWidth={860}>
            <Table horizontalSpacing="md" verticalSpacing={4} aria-label="Journal entries">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>#</Table.Th>
                  <Table.Th>Date</Table.Th>
                  <Table.Th>Account</Table.Th>
                  <Table.Th ta="right">Debit</Table.Th>
                  <Table.Th ta="right">Credit</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.length === 0 ? (
                  <Table.Tr>
                    <Table.Td colSpan={5}>
                      <Text size="sm" c="dimmed" ta="center" py="sm">
                        No entries in this period.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ) : (
                  rows.map((entry) => (
                    <Fragment key={entry.id}>
                      <Table.Tr bg="gray.0">
                        <Table.Td>{entry.number}</Table.Td>
                        <Table.Td>{formatDate(entry.entry_date)}</Table.Td>
                        <Table.Td colSpan={3}>
                          <Text size="sm" fw={500}>
                            {entry.memo}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {humanize(entry.source_type)}
                            {entry.reverses_entry_id ? " · reversal" : ""}
                            {entry.reversed_by_entry_id ? " · reversed" : ""}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                      {entry.postings.map((posting) => (
                        <Table.Tr key={`${entry.id}-${posting.line_no}`}>
                          <Table.Td />
                          <Table.Td />
                          <Table.Td>
                            <Text size="sm" pl={posting.credit ? "lg" : 0}>
                              <Text span ff="monospace" size="xs" c="dimmed">
                                {posting.account_code}
                              </Text>{" "}
                              {posting.account_name}
                            </Text>
                          </Table.Td>
                          <Table.Td ta="right">
                            {posting.debit ? (
                              <Money value={posting.debit} currency={posting.currency} />
                            ) : null}
                          </Table.Td>
                          <Table.Td ta="right">
                            {posting.credit ? (
                              <Money value={posting.credit} currency={posting.currency} />
                            ) : null}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Fragment>
                  ))
                )}
              </Table.Tbody>
            </Table>
          </TableCard>
          <LoadMore
            hasNextPage={entries.hasNextPage}
            isFetchingNextPage={entries.isFetchingNextPage}
            error={entries.error}
            fetchNextPage={() => void entries.fetchNextPage()}
          />
        </>
      )}
    </Stack>
  );
}

/** The fund's book: trial balance at a date, the journal, and its CSV and GL exports. */
export function LedgerTab({ fund }: { fund: Fund }) {
  return (
    <Stack gap="xl">
      <Paper p="md">
        <TrialBalance fund={fund} />
      </Paper>
      <Journal fund={fund} />
    </Stack>
  );
}
