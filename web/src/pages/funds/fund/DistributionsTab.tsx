import { Anchor, Button, Group, Stack, Table, Text } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { Link } from "react-router";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import { hasPermission, useMe } from "../../../auth/session";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { LoadMore } from "../../../components/LoadMore";
import { TableCard } from "../../../components/TableCard";
import { TableSkeleton } from "../../../components/TableSkeleton";
import { formatDate, humanize } from "../../../components/formatting";
import { CsvButton } from "../../../components/CsvButton";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { type Fund } from "../shared/queries";
import { StatusBadge } from "../shared/StatusBadge";
import { distributionKeys } from "../../../api/queryKeys";

/** A fund's distributions, and the way to draft a new one through the waterfall. */
export function DistributionsTab({ fund }: { fund: Fund }) {
  const me = useMe();
  const canWrite = hasPermission(me.data, "distribution:write");
  const distributions = useCursorList([...distributionKeys.all, "list", fund.id], (cursor) =>
    unwrap(
      api.GET("/api/v1/funds/{fund_id}/distributions", {
        params: { path: { fund_id: fund.id }, query: { limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  const rows = distributions.rows;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Proceeds go to the partners through the fund&apos;s {humanize(fund.waterfall_type)} waterfall.
        </Text>
        <Group gap="sm">
          <CsvButton href={csvUrl("/api/v1/funds/{fund_id}/distributions", { fund_id: fund.id })} />
          {canWrite ? (
            <Button
              component={Link}
              to={`/funds/${fund.id}/distributions/new`}
              leftSection={<IconPlus size={16} />}
            >
              New distribution
            </Button>
          ) : null}
        </Group>
      </Group>
      {distributions.isPending ? (
        <TableSkeleton label="Loading distributions" />
      ) : distributions.isError && rows.length === 0 ? (
        <ErrorAlert
          error={distributions.error}
          onRetry={() => void distributions.refetch()}
          isRetrying={distributions.isFetching}
        />
      ) : (
        <>
          <TableCard minWidth={760}>
            <Table horizontalSpacing="md" verticalSpacing="xs" highlightOnHover aria-label="Distributions">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Distribution</Table.Th>
                  <Table.Th>Source</Table.Th>
                  <Table.Th>Date</Table.Th>
                  <Table.Th ta="right">Gross amount</Table.Th>
                  <Table.Th ta="right">Recallable</Table.Th>
                  <Table.Th>Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.length === 0 ? (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <Text c="dimmed" size="sm" ta="center" py="md">
                        No distributions yet.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ) : (
                  rows.map((row) => (
                    <Table.Tr key={row.id} data-testid="distribution-row">
                      <Table.Td>
                        <Anchor
                          component={Link}
                          to={`/funds/${fund.id}/distributions/${row.id}`}
                          size="sm"
                          fw={500}
                        >
                          Distribution {row.number}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{humanize(row.source)}</Table.Td>
                      <Table.Td>{formatDate(row.distribution_date)}</Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.gross_amount} currency={row.currency} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.recallable_amount} currency={row.currency} />
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge status={row.status} />
                      </Table.Td>
                    </Table.Tr>
                  ))
                )}
              </Table.Tbody>
            </Table>
          </TableCard>
          <LoadMore
            hasNextPage={distributions.hasNextPage}
            isFetchingNextPage={distributions.isFetchingNextPage}
            error={distributions.error}
            fetchNextPage={() => void distributions.fetchNextPage()}
          />
        </>
      )}
    </Stack>
  );
}
