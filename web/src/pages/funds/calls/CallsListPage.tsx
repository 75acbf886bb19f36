import { Group, Select, Stack, Switch } from "@mantine/core";
import { useState } from "react";

import { ErrorAlert } from "../../../components/ErrorAlert";
import { LoadMore } from "../../../components/LoadMore";
import { PageHeader } from "../../../components/PageHeader";
import { TableSkeleton } from "../../../components/TableSkeleton";
import { CsvButton } from "../shared/CsvButton";
import { csvUrl } from "../shared/links";
import { useFundOptions } from "../shared/queries";
import { CallsTable } from "./CallsTable";
import { useCalls, type CallFilters } from "./useCalls";

export const CALL_STATUSES = [
  { value: "draft", label: "Draft" },
  { value: "approved", label: "Approved" },
  { value: "issued", label: "Issued" },
  { value: "partially_paid", label: "Partially paid" },
  { value: "paid", label: "Paid" },
  { value: "cancelled", label: "Cancelled" },
];

/** `/capital-calls`: every fund's calls, filtered by fund, status and whether overdue. */
export function CallsListPage() {
  const funds = useFundOptions();
  const [fundId, setFundId] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [overdue, setOverdue] = useState(false);
  const filters: CallFilters = {
    limit: 50,
    ...(fundId ? { fund_id: fundId } : {}),
    ...(status ? { status: status as NonNullable<CallFilters["status"]> } : {}),
    ...(overdue ? { overdue: true } : {}),
  };
  const calls = useCalls(filters);

  return (
    <>
      <PageHeader
        title="Capital calls"
        description="Calls across your funds. A new call is drafted from its fund's page."
        actions={<CsvButton href={csvUrl("/api/v1/capital-calls", {}, filters)} />}
      />
      <Stack gap="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select
            label="Fund"
            placeholder="Every fund"
            data={funds.data ?? []}
            value={fundId}
            onChange={setFundId}
            clearable
            searchable
            w={{ base: "100%", sm: 260 }}
          />
          <Select
            label="Status"
            placeholder="Any status"
            data={CALL_STATUSES}
            value={status}
            onChange={setStatus}
            clearable
            w={{ base: "100%", sm: 180 }}
          />
          <Switch
            label="Overdue only"
            checked={overdue}
            onChange={(event) => setOverdue(event.currentTarget.checked)}
            mb={8}
          />
        </Group>
        {calls.isPending ? (
          <TableSkeleton label="Loading capital calls" />
        ) : calls.isError && calls.rows.length === 0 ? (
          <ErrorAlert
            error={calls.error}
            onRetry={() => void calls.refetch()}
            isRetrying={calls.isFetching}
          />
        ) : (
          <>
            <CallsTable calls={calls.rows} />
            <LoadMore
              hasNextPage={calls.hasNextPage}
              isFetchingNextPage={calls.isFetchingNextPage}
              error={calls.error}
              fetchNextPage={() => void calls.fetchNextPage()}
            />
          </>
        )}
      </Stack>
    </>
  );
}
