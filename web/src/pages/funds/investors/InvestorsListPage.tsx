import { Anchor, Button, Group, Select, TextInput } from "@mantine/core";
import { useDebouncedValue, useDisclosure } from "@mantine/hooks";
import { IconPlus, IconSearch } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useNavigate } from "react-router";

import { hasPermission, useMe } from "../../../auth/session";
import { PageHeader } from "../../../components/PageHeader";
import { formatDate, humanize } from "../../../components/formatting";
import { formatPercent } from "../shared/format";
import { csvUrl } from "../shared/links";
import { useFundOptions } from "../shared/queries";
import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { CreateInvestorModal } from "./CreateInvestorModal";
import { useInvestors, type InvestorFilters } from "./queries";

type Investor = ReturnType<typeof useInvestors>["rows"][number];

const INVESTOR_COLUMNS: DataTableColumn<Investor>[] = [
  {
    accessor: "name",
    title: "Name",
    render: (investor) => (
      <Anchor component={Link} to={`/investors/${investor.id}`} size="sm" fw={500}>
        {investor.name}
      </Anchor>
    ),
  },
  { accessor: "kind", title: "Kind", render: (investor) => humanize(investor.kind) },
  { accessor: "email", title: "Email", visibleFrom: "sm" },
  { accessor: "country", title: "Country", visibleFrom: "md" },
  {
    accessor: "withholding_rate",
    title: "Withholding",
    textAlign: "right",
    visibleFrom: "md",
    render: (investor) => formatPercent(investor.withholding_rate),
  },
  {
    accessor: "created_at",
    title: "Since",
    visibleFrom: "sm",
    render: (investor) => formatDate(investor.created_at),
  },
];

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
  const investors = useInvestors(filters);

  return (
    <>
      <PageHeader
        title="Investors"
        description="The limited partners (and the GP's own entity) who commit to your funds."
        actions={
          <>
            {canWrite ? (
              <Button leftSection={<IconPlus size={16} />} onClick={open}>
                New investor
              </Button>
            ) : null}
          </>
        }
      />
      <DataTable
        label="Investors"
        columns={INVESTOR_COLUMNS}
        records={investors.rows}
        idAccessor="id"
        query={investors}
        noRecordsText="No investors match."
        csvHref={csvUrl("/api/v1/investors", {}, filters)}
        verticalSpacing="sm"
        rowAttributes={() => ({ "data-testid": "investor-row" })}
        toolbar={
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
        }
      />
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
