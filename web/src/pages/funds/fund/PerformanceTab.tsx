import { Badge, Group, Paper, Select, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import type { ResponseOf } from "../../../api/types";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { LoadMore } from "../../../components/LoadMore";
import { TableCard } from "../../../components/TableCard";
import { TableSkeleton } from "../../../components/TableSkeleton";
import { formatDate } from "../../../components/formatting";
import { CsvButton } from "../../../components/CsvButton";
import { DateField } from "../shared/DateField";
import { formatMoney, formatMoneyCompact, formatMultiple, formatPercent, todayIso } from "../shared/format";
import { KpiCard } from "../shared/KpiCard";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { QueryView } from "../shared/PanelState";
import { PICKER_LIMIT, type Fund } from "../shared/queries";
import { fundKeys } from "../../../api/queryKeys";

type Performance = ResponseOf<"/api/v1/funds/{fund_id}/performance", "get">;

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
      <Table aria-label="Public market equivalents" verticalSpacing={4}>
        <Table.Tbody>
          <Table.Tr>
            <Table.Td>Kaplan-Schoar PME</Table.Td>
            <Table.Td ta="right">{formatMultiple(pme.kaplan_schoar)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td>Long-Nickels PME IRR</Table.Td>
            <Table.Td ta="right">{rateWithReason(pme.long_nickels_irr, pme.long_nickels_reason)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td>Direct Alpha (annual)</Table.Td>
            <Table.Td ta="right">{rateWithReason(pme.direct_alpha, pme.direct_alpha_reason)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td>Direct Alpha (continuous)</Table.Td>
            <Table.Td ta="right">{formatPercent(pme.direct_alpha_continuous)}</Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt="xs">
        A Kaplan-Schoar PME above 1.00x means the fund beat the index.
      </Text>
    </Paper>
  );
}

function InvestorPerformance({ fund, asOf }: { fund: Fund; asOf: string | null }) {
  const query = asOf ? { as_of: asOf } : {};
  const rows = useCursorList(fundKeys.part(fund.id, "investor-performance", query), (cursor) =>
    unwrap(
      api.GET("/api/v1/funds/{fund_id}/performance/investors", {
        params: {
          path: { fund_id: fund.id },
          query: { ...query, limit: 200, ...(cursor ? { cursor } : {}) },
        },
      }),
    ),
  );
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={4}>Each partner</Title>
        <CsvButton
          href={csvUrl("/api/v1/funds/{fund_id}/performance/investors", { fund_id: fund.id }, query)}
        />
      </Group>
      {rows.isPending ? (
        <TableSkeleton label="Loading each partner's performance" />
      ) : rows.isError && rows.rows.length === 0 ? (
        <ErrorAlert error={rows.error} onRetry={() => void rows.refetch()} isRetrying={rows.isFetching} />
      ) : (
        <>
          <TableCard minWidth={980}>
            <Table
              horizontalSpacing="md"
              verticalSpacing="xs"
              aria-label="Partners' performance"
              highlightOnHover
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Partner</Table.Th>
                  <Table.Th ta="right">Committed</Table.Th>
                  <Table.Th ta="right">Paid in</Table.Th>
                  <Table.Th ta="right">Distributed</Table.Th>
                  <Table.Th ta="right">NAV</Table.Th>
                  <Table.Th ta="right">DPI</Table.Th>
                  <Table.Th ta="right">TVPI</Table.Th>
                  <Table.Th ta="right">IRR</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.rows.map((row) => (
                  <Table.Tr key={row.investor_id}>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm">{row.investor_name}</Text>
                        {row.is_gp ? (
                          <Badge size="xs" variant="outline">
                            GP
                          </Badge>
                        ) : null}
                      </Group>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money value={row.committed} currency={fund.currency} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money value={row.paid_in} currency={fund.currency} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money value={row.distributed} currency={fund.currency} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money value={row.nav} currency={fund.currency} />
                    </Table.Td>
                    <Table.Td ta="right">{formatMultiple(row.dpi)}</Table.Td>
                    <Table.Td ta="right">{formatMultiple(row.tvpi)}</Table.Td>
                    <Table.Td ta="right" title={row.irr_reason ?? undefined}>
                      {formatPercent(row.irr)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableCard>
          <LoadMore
            hasNextPage={rows.hasNextPage}
            isFetchingNextPage={rows.isFetchingNextPage}
            error={rows.error}
            fetchNextPage={() => void rows.fetchNextPage()}
          />
        </>
      )}
    </Stack>
  );
}

/** IRR, multiples and PME against a benchmark, for the fund and for each partner. */
export function PerformanceTab({ fund }: { fund: Fund }) {
  const [asOf, setAsOf] = useState<string | null>(todayIso());
  const [benchmarkId, setBenchmarkId] = useState<string | null>(null);
  const benchmarks = useQuery({
    queryKey: ["benchmarks", "options"],
    queryFn: () => unwrap(api.GET("/api/v1/benchmarks", { params: { query: { limit: PICKER_LIMIT } } })),
    select: (page) =>
      page.items.map((benchmark) => ({
        value: benchmark.id,
        label: benchmark.levels
          ? `${benchmark.name} (${formatDate(benchmark.first_date)} to ${formatDate(benchmark.last_date)})`
          : `${benchmark.name} (no levels yet)`,
      })),
  });
  const query = { ...(asOf ? { as_of: asOf } : {}), ...(benchmarkId ? { benchmark_id: benchmarkId } : {}) };
  const performance = useQuery({
    queryKey: fundKeys.part(fund.id, "performance", query),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/funds/{fund_id}/performance", { params: { path: { fund_id: fund.id }, query } }),
      ),
  });

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
