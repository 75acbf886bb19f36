import { Anchor, Button, Group, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue, useDisclosure } from "@mantine/hooks";
import { IconPlus, IconSearch } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useNavigate } from "react-router";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import type { QueryOf } from "../../../api/types";
import { hasPermission, useMe } from "../../../auth/session";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { LoadMore } from "../../../components/LoadMore";
import { PageHeader } from "../../../components/PageHeader";
import { TableCard } from "../../../components/TableCard";
import { TableSkeleton } from "../../../components/TableSkeleton";
import { formatDate, humanize } from "../../../components/formatting";
import { CsvButton } from "../shared/CsvButton";
import { formatPercent } from "../shared/format";
import { csvUrl } from "../shared/links";
import { investorKeys, useFundOptions } from "../shared/queries";
import { CreateInvestorModal } from "./CreateInvestorModal";

type InvestorFilters = QueryOf<"/api/v1/investors", "get">;

/** `/investors`: every investor, searchable, filtered by kind and by the fund they committed to. */
export function InvestorsListPage() {
  const me = useMe();
  const canWrite = hasPermission(me.data, "investor:write");
  const navigate = useNavigate();
  const funds = useFundOptions(hasPermission(me.data, "fund:read"));
  const [search, setSearch] = useState("");
  const [kind, setKind] = useState<string | null>(null);
  const [fundId, setFundId] = useState<string | null>(null);
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const [creating, { open, close }] = useDisclosure(false);
  const filters: InvestorFilters = {
    limit: 50,
    ...(debounced ? { q: debounced } : {}),
    ...(kind ? { kind: kind as NonNullable<InvestorFilters["kind"]> } : {}),
    ...(fundId ? { fund_id: fundId } : {}),
  };
  const investors = useCursorList([...investorKeys.all, "list", filters], (cursor) =>
    unwrap(
      api.GET("/api/v1/investors", { params: { query: { ...filters, ...(cursor ? { cursor } : {}) } } }),
    ),
  );
  const rows = investors.rows;

  return (
    <>
      <PageHeader
        title="Investors"
        description="The limited partners (and the GP's own entity) who commit to your funds."
        actions={
          <>
            <CsvButton href={csvUrl("/api/v1/investors", {}, filters)} />
            {canWrite ? (
              <Button leftSection={<IconPlus size={16} />} onClick={open}>
                New investor
              </Button>
            ) : null}
          </>
        }
      />
      <Stack gap="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label="Search"
            placeholder="Name or email"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            w={{ base: "100%", sm: 260 }}
          />
          <Select
            label="Kind"
            placeholder="Any kind"
            data={[
              { value: "entity", label: "Entity" },
              { value: "individual", label: "Individual" },
            ]}
            value={kind}
            onChange={setKind}
            clearable
            w={{ base: "100%", sm: 160 }}
          />
          <Select
            label="Committed to"
            placeholder="Any fund"
            data={funds.data ?? []}
            value={fundId}
            onChange={setFundId}
            clearable
            searchable
            w={{ base: "100%", sm: 260 }}
          />
        </Group>
        {investors.isPending ? (
          <TableSkeleton label="Loading investors" />
        ) : investors.isError && rows.length === 0 ? (
          <ErrorAlert
            error={investors.error}
            onRetry={() => void investors.refetch()}
            isRetrying={investors.isFetching}
          />
        ) : (
          <>
            <TableCard minWidth={760}>
              <Table horizontalSpacing="md" verticalSpacing="sm" highlightOnHover aria-label="Investors">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Kind</Table.Th>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Country</Table.Th>
                    <Table.Th ta="right">Withholding</Table.Th>
                    <Table.Th>Since</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.length === 0 ? (
                    <Table.Tr>
                      <Table.Td colSpan={6}>
                        <Text c="dimmed" size="sm" ta="center" py="md">
                          No investors match.
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ) : (
                    rows.map((investor) => (
                      <Table.Tr key={investor.id} data-testid="investor-row">
                        <Table.Td>
                          <Anchor component={Link} to={`/investors/${investor.id}`} size="sm" fw={500}>
                            {investor.name}
                          </Anchor>
                        </Table.Td>
                        <Table.Td>{humanize(investor.kind)}</Table.Td>
                        <Table.Td>{investor.email ?? "—"}</Table.Td>
                        <Table.Td>{investor.country ?? "—"}</Table.Td>
                        <Table.Td ta="right">{formatPercent(investor.withholding_rate)}</Table.Td>
                        <Table.Td>{formatDate(investor.created_at)}</Table.Td>
                      </Table.Tr>
                    ))
                  )}
                </Table.Tbody>
              </Table>
            </TableCard>
            <LoadMore
              hasNextPage={investors.hasNextPage}
              isFetchingNextPage={investors.isFetchingNextPage}
              error={investors.error}
              fetchNextPage={() => void investors.fetchNextPage()}
            />
          </>
        )}
      </Stack>
      <CreateInvestorModal
        opened={creating}
        onClose={close}
        onCreated={(investor) => {
          close();
          void navigate(`/investors/${investor.id}`);
        }}
      />
    </>
  );
}
