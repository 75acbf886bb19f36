import "@mantine/charts/styles.css";

import { LineChart } from "@mantine/charts";
import { Anchor, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router";

import type { ResponseOf } from "../../../api/types";
import { formatDate } from "../../../components/formatting";
import {
  formatMoney,
  formatMoneyCompact,
  formatMultiple,
  formatPercent,
  quarterLabel,
} from "../shared/format";
import { KpiCard } from "../shared/KpiCard";
import { QueryView } from "../shared/PanelState";
import { type Fund } from "../shared/queries";
import { StatusBadge } from "../shared/StatusBadge";
import { useFundDashboard } from "./queries";

type Dashboard = ResponseOf<"/api/v1/funds/{fund_id}/dashboard", "get">;
type JCurvePoint = Dashboard["j_curve"][number];

/** Chart rows: the API's exact amounts turned into numbers only to be drawn. */
export function chartRows(points: readonly JCurvePoint[]) {
  return points.map((point) => ({
    quarter: quarterLabel(point.date),
    date: point.date,
    Called: Number(point.called),
    Distributed: Number(point.distributed),
    NAV: Number(point.nav),
    "Net cash flow": Number(point.net_cash_flow),
  }));
}

function Kpis({ dashboard }: { dashboard: Dashboard }) {
  const cur = dashboard.currency;
  const money = (value: string) => ({
    value: formatMoneyCompact(value, cur),
    exact: formatMoney(value, cur),
  });
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm" aria-label="Key figures">
      <KpiCard label="Commitments" {...money(dashboard.commitments)} />
      <KpiCard label="Called" {...money(dashboard.called)} />
      <KpiCard label="Uncalled" {...money(dashboard.uncalled)} />
      <KpiCard label="Distributed" {...money(dashboard.distributed)} />
      <KpiCard label="NAV" {...money(dashboard.nav)} />
      <KpiCard label="TVPI" value={formatMultiple(dashboard.tvpi)} hint="LPs, net" />
      <KpiCard label="DPI" value={formatMultiple(dashboard.dpi)} hint="LPs, net" />
      <KpiCard label="RVPI" value={formatMultiple(dashboard.rvpi)} hint="LPs, net" />
      <KpiCard label="Net IRR" value={formatPercent(dashboard.net_irr)} hint="LPs" />
      <KpiCard label="LPs" value={String(dashboard.investors)} />
    </SimpleGrid>
  );
}

function Charts({ dashboard }: { dashboard: Dashboard }) {
  const rows = chartRows(dashboard.j_curve);
  const cur = dashboard.currency;
  if (rows.length === 0) {
    return (
      <Paper p="md">
        <Text size="sm" c="dimmed">
          The charts appear once the fund has its first close.
        </Text>
      </Paper>
    );
  }
  const format = (value: number) => formatMoneyCompact(value, cur);
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
      <Paper p="md" role="figure" aria-label="J-curve">
        <Title order={4} mb={4}>
          J-curve
        </Title>
        <Text size="xs" c="dimmed" mb="sm">
          Cumulative called, distributed and NAV by quarter, and the partners&apos; net cash flow.
        </Text>
        <LineChart
          h={260}
          data={rows}
          dataKey="quarter"
          valueFormatter={format}
          withLegend
          curveType="monotone"
          series={[
            { name: "Called", color: "red.6" },
            { name: "Distributed", color: "teal.6" },
            { name: "NAV", color: "blue.6" },
            { name: "Net cash flow", color: "gray.7", strokeDasharray: "5 5" },
          ]}
          referenceLines={[{ y: 0, color: "gray.5" }]}
        />
      </Paper>
      <Paper p="md" role="figure" aria-label="NAV over time">
        <Title order={4} mb={4}>
          NAV over time
        </Title>
        <Text size="xs" c="dimmed" mb="sm">
          The fund&apos;s net asset value at each quarter end.
        </Text>
        <LineChart
          h={260}
          data={rows}
          dataKey="quarter"
          valueFormatter={format}
          curveType="monotone"
          series={[{ name: "NAV", color: "blue.6" }]}
        />
      </Paper>
    </SimpleGrid>
  );
}

function LatestActivity({ fund, dashboard }: { fund: Fund; dashboard: Dashboard }) {
  const cur = dashboard.currency;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
      <Paper p="md">
        <Text size="xs" c="dimmed" fw={700} tt="uppercase">
          Latest capital call
        </Text>
        {dashboard.last_call ? (
          <Group justify="space-between" mt={4}>
            <Anchor component={Link} to={`/capital-calls/${dashboard.last_call.id}`} size="sm">
              Call {dashboard.last_call.number} of {formatDate(dashboard.last_call.call_date)}:{" "}
              {formatMoney(dashboard.last_call.amount, cur)}
            </Anchor>
            <StatusBadge status={dashboard.last_call.status} />
          </Group>
        ) : (
          <Text size="sm" c="dimmed" mt={4}>
            None yet.
          </Text>
        )}
      </Paper>
      <Paper p="md">
        <Text size="xs" c="dimmed" fw={700} tt="uppercase">
          Latest distribution
        </Text>
        {dashboard.last_distribution ? (
          <Group justify="space-between" mt={4}>
            <Anchor
              component={Link}
              to={`/funds/${fund.id}/distributions/${dashboard.last_distribution.id}`}
              size="sm"
            >
              Distribution {dashboard.last_distribution.number} of{" "}
              {formatDate(dashboard.last_distribution.distribution_date)}:{" "}
              {formatMoney(dashboard.last_distribution.gross_amount, cur)}
            </Anchor>
            <StatusBadge status={dashboard.last_distribution.status} />
          </Group>
        ) : (
          <Text size="sm" c="dimmed" mt={4}>
            None yet.
          </Text>
        )}
      </Paper>
    </SimpleGrid>
  );
}

/** The fund's dashboard: headline figures as of today, the J-curve and NAV over time. */
export function OverviewTab({ fund }: { fund: Fund }) {
  const dashboard = useFundDashboard(fund.id);
  return (
    <QueryView
      query={dashboard}
      loadingLabel="Loading the dashboard"
      errorTitle="The dashboard could not be loaded"
    >
      {(data) => (
        <Stack gap="md">
          <Text size="xs" c="dimmed">
            As of {formatDate(data.as_of)}. Commitments, called, uncalled, distributed and NAV are the whole
            fund&apos;s; the multiples and the net IRR are the LPs&apos;.
          </Text>
          <Kpis dashboard={data} />
          <Charts dashboard={data} />
          <LatestActivity fund={fund} dashboard={data} />
        </Stack>
      )}
    </QueryView>
  );
}
