import { Button, Group, Stack, Text } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { Link } from "react-router";

import { hasPermission, useMe } from "../../../auth/session";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { LoadMore } from "../../../components/LoadMore";
import { TableSkeleton } from "../../../components/TableSkeleton";
import { CsvButton } from "../shared/CsvButton";
import { csvUrl } from "../shared/links";
import type { Fund } from "../shared/queries";
import { CallsTable } from "./CallsTable";
import { useCalls } from "./useCalls";

/** A fund's capital calls, and the way to draft a new one. */
export function FundCallsTab({ fund }: { fund: Fund }) {
  const me = useMe();
  const canWrite = hasPermission(me.data, "capital_call:write");
  const filters = { fund_id: fund.id, limit: 50 };
  const calls = useCalls(filters);
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          A call is drafted, approved by a second person, then issued to the LPs.
        </Text>
        <Group gap="sm">
          <CsvButton href={csvUrl("/api/v1/capital-calls", {}, filters)} />
          {canWrite ? (
            <Button
              component={Link}
              to={`/funds/${fund.id}/capital-calls/new`}
              leftSection={<IconPlus size={16} />}
            >
              New capital call
            </Button>
          ) : null}
        </Group>
      </Group>
      {calls.isPending ? (
        <TableSkeleton label="Loading capital calls" />
      ) : calls.isError && calls.rows.length === 0 ? (
        <ErrorAlert error={calls.error} onRetry={() => void calls.refetch()} isRetrying={calls.isFetching} />
      ) : (
        <>
          <CallsTable calls={calls.rows} showFund={false} />
          <LoadMore
            hasNextPage={calls.hasNextPage}
            isFetchingNextPage={calls.isFetchingNextPage}
            error={calls.error}
            fetchNextPage={() => void calls.fetchNextPage()}
          />
        </>
      )}
    </Stack>
  );
}
