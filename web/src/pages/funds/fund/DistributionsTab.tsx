import { Anchor, Button, Group, Text } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { Link } from "react-router";

import { hasPermission, useMe } from "../../../auth/session";
import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { formatDate, humanize } from "../../../components/formatting";
import { useFundDistributions } from "../distributions/queries";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { type Fund } from "../shared/queries";
import { StatusBadge } from "../shared/StatusBadge";

type Distribution = ReturnType<typeof useFundDistributions>["rows"][number];

const DISTRIBUTION_COLUMNS: DataTableColumn<Distribution>[] = [
  {
    accessor: "number",
    title: "Distribution",
    render: (row) => (
      <Anchor component={Link} to={`/funds/${row.fund_id}/distributions/${row.id}`} size="sm" fw={500}>
        Distribution {row.number}
      </Anchor>
    ),
  },
  { accessor: "source", title: "Source", visibleFrom: "sm", render: (row) => humanize(row.source) },
  {
    accessor: "distribution_date",
    title: "Date",
    visibleFrom: "sm",
    render: (row) => formatDate(row.distribution_date),
  },
  {
    accessor: "gross_amount",
    title: "Gross amount",
    textAlign: "right",
    render: (row) => <Money value={row.gross_amount} currency={row.currency} />,
  },
  {
    accessor: "recallable_amount",
    title: "Recallable",
    textAlign: "right",
    visibleFrom: "md",
    render: (row) => <Money value={row.recallable_amount} currency={row.currency} />,
  },
  { accessor: "status", title: "Status", render: (row) => <StatusBadge status={row.status} /> },
];

/** A fund's distributions, and the way to draft a new one through the waterfall. */
export function DistributionsTab({ fund }: { fund: Fund }) {
  const me = useMe();
  const canWrite = hasPermission(me.data, "distribution:write");
  const distributions = useFundDistributions(fund.id);
  return (
    <DataTable
      label="Distributions"
      columns={DISTRIBUTION_COLUMNS}
      records={distributions.rows}
      idAccessor="id"
      query={distributions}
      noRecordsText="No distributions yet."
      csvHref={csvUrl("/api/v1/funds/{fund_id}/distributions", { fund_id: fund.id })}
      rowAttributes={() => ({ "data-testid": "distribution-row" })}
      toolbar={
        <Group justify="space-between" style={{ flex: 1 }} gap="sm">
          <Text size="sm" c="dimmed">
            Proceeds go to the partners through the fund&apos;s {humanize(fund.waterfall_type)} waterfall.
          </Text>
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
      }
    />
  );
}
