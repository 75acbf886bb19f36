import { Badge, Group, Paper, Select, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";

import { DateField } from "../shared/DateField";
import { formatMoney, formatMoneyCompact, formatMultiple, formatPercent, todayIso } from "../shared/format";
import { KpiCard } from "../shared/KpiCard";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { QueryView } from "../shared/PanelState";
import { type Fund } from "../shared/queries";
import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { useBenchmarkOptions, useInvestorPerformance, usePerformance, type Performance } from "./queries";

const PME_COLUMNS: DataTableColumn<{ measure: string; value: string }>[] = [
  { accessor: "measure", title: "Measure" },
  { accessor: "value", title: "Value", textAlign: "right" },
];

function rateWithReason(value: number | null, reason: string | null | undefined): string {
  return value === null && reason ? `— (${reason})` : formatPercent(value);
}

function Figures({ performance }: { performance: Performance }) {
  const cur = performance.currency;
  const money = (value: string) => ({
    value: formatMoneyCompact(value, cur),
    exact: formatMoney(value, cur),
  });
  return (
    <Stack gap="md">
      <div>
        <Title order={4} mb="xs">
          Net (the LPs&apos;)
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm">
          <KpiCard label="Committed" {...money(performance.committed)} />
          <KpiCard label="Paid in" {...money(performance.paid_in)} />
          <KpiCard label="Distributed" {...money(performance.distributed)} />
          <KpiCard
            label="NAV"
            {...money(performance.nav)}
            hint={`Fund NAV ${formatMoneyCompact(performance.fund_nav, cur)}`}
          />
          <KpiCard
            label="Net IRR"
            value={formatPercent(performance.net_irr)}
            hint={performance.net_irr_reason ?? undefined}
          />
          <KpiCard label="PIC" value={formatPercent(performance.pic)} hint="paid-in / committed" />
          <KpiCard label="DPI" value={formatMultiple(performance.dpi)} />
          <KpiCard label="RVPI" value={formatMultiple(performance.rvpi)} />
          <KpiCard label="TVPI" value={formatMultiple(performance.tvpi)} />
        </SimpleGrid>
      </div>
      <div>
        <Title order={4} mb="xs">
          Gross (the fund&apos;s investments)
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm">
          <KpiCard label="Invested" {...money(performance.invested)} />
          <KpiCard label="Realized value" {...money(performance.realized_value)} />
          <KpiCard label="Unrealized value" {...money(performance.unrealized_value)} />
          <KpiCard label="MOIC" value={formatMultiple(performance.moic)} />
          <KpiCard
            label="Gross IRR"
            value={formatPercent(performance.gross_irr)}
            hint={performance.gross_irr_reason ?? undefined}
          />
        </SimpleGrid>
      </div>
    </Stack>
  );
}

function PmeCard({ performance, benchmarkChosen }: { performance: Performance; benchmarkChosen: boolean }) {
  const pme = performance.pme;
  if (!pme) {
    return (
      <Paper p="md">
        <Text size="sm" c="dimmed">
          {benchmarkChosen
            ? "No public market equivalent could be computed against this benchmark."
            : "Choose a benchmark to compare the fund with the public market (PME)."}
        </Text>
      </Paper>
    );
  }
  return (
    <Paper p="md" aria-label="Public market equivalents" role="group">
      <Title order={4} mb="xs">
        Against {pme.benchmark_name}
      </Title>
      <DataTable
        label="Public market equivalents"
        columns={PME_COLUMNS}
        records={[
          { measure: "Kaplan-Schoar PME", value: formatMultiple(pme.kaplan_schoar) },
          {
            measure: "Long-Nickels PME IRR",
            value: rateWithReason(pme.long_nickels_irr, pme.long_nickels_reason),
          },
          {
            measure: "Direct Alpha (annual)",
            value: rateWithReason(pme.direct_alpha, pme.direct_alpha_reason),
          },
          { measure: "Direct Alpha (continuous)", value: formatPercent(pme.direct_alpha_continuous) },
        ]}
        idAccessor="measure"
        verticalSpacing={4}
        withCard={false}
      />
      <Text size="xs" c="dimmed" mt="xs">
        A Kaplan-Schoar PME above 1.00x means the fund beat the index.
      </Text>
    </Paper>
  );
}

type PartnerPerformance = ReturnType<typeof useInvestorPerformance>["rows"][number];

function partnerColumns(cur: string): DataTableColumn<PartnerPerformance>[] {
  return [
    {
      accessor: "investor_name",
      title: "Partner",
      render: (row) => (
        <Group gap={6} wrap="nowrap">
          <Text size="sm">{row.investor_name}</Text>
          {row.is_gp ? (
            <Badge size="xs" variant="outline">
              GP
            </Badge>
          ) : null}
        </Group>
      ),
    },
    {
      accessor: "committed",
      title: "Committed",
      textAlign: "right",
      visibleFrom: "md",
      render: (row) => <Money value={row.committed} currency={cur} />,
    },
    {
      accessor: "paid_in",
      title: "Paid in",
      textAlign: "right",
      visibleFrom: "sm",
      render: (row) => <Money value={row.paid_in} currency={cur} />,
    },
    {
      accessor: "distributed",
      title: "Distributed",
      textAlign: "right",
      visibleFrom: "md",
      render: (row) => <Money value={row.distributed} currency={cur} />,
    },
    {
      accessor: "nav",
      title: "NAV",
      textAlign: "right",
      visibleFrom: "md",
      render: (row) => <Money value={row.nav} currency={cur} />,
    },
    {
      accessor: "dpi",
      title: "DPI",
      textAlign: "right",
      visibleFrom: "sm",
      render: (row) => formatMultiple(row.dpi),
    },
    { accessor: "tvpi", title: "TVPI", textAlign: "right", render: (row) => formatMultiple(row.tvpi) },
    {
      accessor: "irr",
      title: "IRR",
      textAlign: "right",
      render: (row) => <span title={row.irr_reason ?? undefined}>{formatPercent(row.irr)}</span>,
    },
  ];
}

function InvestorPerformance({ fund, asOf }: { fund: Fund; asOf: string | null }) {
  const rows = useInvestorPerformance(fund.id, asOf);
  return (
    <Stack gap="sm">
      <Title order={4}>Each partner</Title>
      <DataTable
        label="Partners' performance"
        columns={partnerColumns(fund.currency)}
        records={rows.rows}
        idAccessor="investor_id"
        query={rows}
        noRecordsText="No partners yet."
        csvHref={csvUrl(
          "/api/v1/funds/{fund_id}/performance/investors",
          { fund_id: fund.id },
          asOf ? { as_of: asOf } : {},
        )}
      />
    </Stack>
  );
}

/** IRR, multiples and PME against a benchmark, for the fund and for each partner. */
export function PerformanceTab({ fund }: { fund: Fund }) {
  const [asOf, setAsOf] = useState<string | null>(todayIso());
  const [benchmarkId, setBenchmarkId] = useState<string | null>(null);
  const benchmarks = useBenchmarkOptions();
  const query = { ...(asOf ? { as_of: asOf } : {}), ...(benchmarkId ? { benchmark_id: benchmarkId } : {}) };
  const performance = usePerformance(fund.id, query);

  return (
    <Stack gap="lg">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <DateField label="As of" value={asOf} onChange={setAsOf} w={170} />
        <Select
          label="Benchmark"
          placeholder={benchmarks.data?.length === 0 ? "No benchmarks yet" : "None"}
          data={benchmarks.data ?? []}
          value={benchmarkId}
          onChange={setBenchmarkId}
          clearable
          w={{ base: "100%", sm: 360 }}
          error={benchmarks.isError ? "The benchmarks could not be loaded." : undefined}
        />
      </Group>
      <QueryView
        query={performance}
        loadingLabel="Loading performance"
        errorTitle="Performance could not be computed"
      >
        {(data) => (
          <Stack gap="md">
            <Figures performance={data} />
            <PmeCard performance={data} benchmarkChosen={benchmarkId !== null} />
          </Stack>
        )}
      </QueryView>
      <InvestorPerformance fund={fund} asOf={asOf} />
    </Stack>
  );
}
