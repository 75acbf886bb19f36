import { Anchor, Button, Group, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue, useDisclosure } from "@mantine/hooks";
import { IconPlus, IconSearch } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useNavigate } from "react-router";

import { api, unwrap } from "../../api/client";
import { useCursorList } from "../../api/pagination";
import type { QueryOf } from "../../api/types";
import { hasPermission, useMe } from "../../auth/session";
import { ErrorAlert } from "../../components/ErrorAlert";
import { LoadMore } from "../../components/LoadMore";
import { PageHeader } from "../../components/PageHeader";
import { TableCard } from "../../components/TableCard";
import { TableSkeleton } from "../../components/TableSkeleton";
import { formatDate } from "../../components/formatting";
import { CreateFundModal } from "./CreateFundModal";
import { CsvButton } from "./shared/CsvButton";
import { csvUrl } from "./shared/links";
import { Money } from "./shared/Money";
import { fundKeys } from "./shared/queries";
import { StatusBadge } from "./shared/StatusBadge";

type FundFilters = QueryOf<"/api/v1/funds", "get">;

const STATUSES = [
  { value: "fundraising", label: "Fundraising" },
  { value: "investing", label: "Investing" },
  { value: "harvesting", label: "Harvesting" },
  { value: "liquidated", label: "Liquidated" },
];

export function FundsListPage() {
  const me = useMe();
  const canWrite = hasPermission(me.data, "fund:write");
  const navigate = useNavigate();
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<string | null>(null);
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const [creating, { open, close }] = useDisclosure(false);

  const filters: FundFilters = {
    limit: 50,
    ...(debounced ? { q: debounced } : {}),
    ...(status ? { status: status as NonNullable<FundFilters["status"]> } : {}),
  };
  const funds = useCursorList(fundKeys.list(filters), (cursor) =>
    unwrap(api.GET("/api/v1/funds", { params: { query: { ...filters, ...(cursor ? { cursor } : {}) } } })),
  );
  const rows = funds.rows;

  return (
    <>
      <PageHeader
        title="Funds"
        description="The funds you administer: their commitments, calls, distributions and performance."
        actions={
          <>
            <CsvButton href={csvUrl("/api/v1/funds", {}, filters)} />
            {canWrite ? (
              <Button leftSection={<IconPlus size={16} />} onClick={open}>
                New fund
              </Button>
            ) : null}
          </>
        }
      />
      <Stack gap="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label="Search"
            placeholder="Fund name"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            w={{ base: "100%", sm: 260 }}
          />
          <Select
            label="Status"
            placeholder="Any status"
            data={STATUSES}
            value={status}
            onChange={setStatus}
            clearable
            w={{ base: "100%", sm: 180 }}
          />
        </Group>
        {funds.isPending ? (
          <TableSkeleton label="Loading funds" />
        ) : funds.isError && rows.length === 0 ? (
          <ErrorAlert
            error={funds.error}
            onRetry={() => void funds.refetch()}
            isRetrying={funds.isFetching}
          />
        ) : (
          <>
            <TableCard minWidth={820}>
              <Table horizontalSpacing="md" verticalSpacing="sm" highlightOnHover aria-label="Funds">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Currency</Table.Th>
                    <Table.Th>Vintage</Table.Th>
                    <Table.Th>Strategy</Table.Th>
                    <Table.Th ta="right">Target size</Table.Th>
                    <Table.Th>Initial close</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.length === 0 ? (
                    <Table.Tr>
                      <Table.Td colSpan={7}>
                        <Text c="dimmed" size="sm" ta="center" py="md">
                          {debounced || status ? "No funds match these filters." : "No funds yet."}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ) : (
                    rows.map((fund) => (
                      <Table.Tr key={fund.id} data-testid="fund-row">
                        <Table.Td>
                          <Anchor component={Link} to={`/funds/${fund.id}`} fw={500} size="sm">
                            {fund.name}
                          </Anchor>
                          {fund.legal_name ? (
                            <Text size="xs" c="dimmed">
                              {fund.legal_name}
                            </Text>
                          ) : null}
                        </Table.Td>
                        <Table.Td>
                          <StatusBadge status={fund.status} />
                        </Table.Td>
                        <Table.Td>{fund.currency}</Table.Td>
                        <Table.Td>{fund.vintage ?? "—"}</Table.Td>
                        <Table.Td>{fund.strategy ?? "—"}</Table.Td>
                        <Table.Td ta="right">
                          <Money value={fund.target_size} currency={fund.currency} />
                        </Table.Td>
                        <Table.Td>{formatDate(fund.initial_close_date)}</Table.Td>
                      </Table.Tr>
                    ))
                  )}
                </Table.Tbody>
              </Table>
            </TableCard>
            <LoadMore
              hasNextPage={funds.hasNextPage}
              isFetchingNextPage={funds.isFetchingNextPage}
              error={funds.error}
              fetchNextPage={() => void funds.fetchNextPage()}
            />
          </>
        )}
      </Stack>
      <CreateFundModal
        opened={creating}
        onClose={close}
        onCreated={(fund) => {
          close();
          void navigate(`/funds/${fund.id}`);
        }}
      />
    </>
  );
}
