import { Anchor, Button, Group, Select, Text, TextInput } from "@mantine/core";
import { useDebouncedValue, useDisclosure } from "@mantine/hooks";
import { IconPlus, IconSearch } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useNavigate } from "react-router";

import { hasPermission, useMe } from "../../auth/session";
import { PageHeader } from "../../components/PageHeader";
import { formatDate } from "../../components/formatting";
import { DataTable, type DataTableColumn } from "../../components/DataTable";
import { CreateFundModal } from "./CreateFundModal";
import { useFunds, type FundFilters, type FundSummary } from "./shared/queries";
import { csvUrl } from "./shared/links";
import { Money } from "./shared/Money";
import { StatusBadge } from "./shared/StatusBadge";

const FUND_COLUMNS: DataTableColumn<FundSummary>[] = [
  {
    accessor: "name",
    title: "Name",
    render: (fund) => (
      <>
        <Anchor component={Link} to={`/funds/${fund.id}`} fw={500} size="sm">
          {fund.name}
        </Anchor>
        {fund.legal_name ? (
          <Text size="xs" c="dimmed">
            {fund.legal_name}
          </Text>
        ) : null}
      </>
    ),
  },
  { accessor: "status", title: "Status", render: (fund) => <StatusBadge status={fund.status} /> },
  { accessor: "currency", title: "Currency", visibleFrom: "sm" },
  { accessor: "vintage", title: "Vintage", visibleFrom: "sm" },
  { accessor: "strategy", title: "Strategy", visibleFrom: "md" },
  {
    accessor: "target_size",
    title: "Target size",
    textAlign: "right",
    render: (fund) => <Money value={fund.target_size} currency={fund.currency} />,
  },
  {
    accessor: "initial_close_date",
    title: "Initial close",
    visibleFrom: "md",
    render: (fund) => formatDate(fund.initial_close_date),
  },
];

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
  const funds = useFunds(filters);

  return (
    <>
      <PageHeader
        title="Funds"
        description="The funds you administer: their commitments, calls, distributions and performance."
        actions={
          <>
            {canWrite ? (
              <Button leftSection={<IconPlus size={16} />} onClick={open}>
                New fund
              </Button>
            ) : null}
          </>
        }
      />
      <DataTable
        label="Funds"
        columns={FUND_COLUMNS}
        records={funds.rows}
        idAccessor="id"
        query={funds}
        noRecordsText={debounced || status ? "No funds match these filters." : "No funds yet."}
        csvHref={csvUrl("/api/v1/funds", {}, filters)}
        verticalSpacing="sm"
        rowAttributes={() => ({ "data-testid": "fund-row" })}
        toolbar={
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
        }
      />
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
