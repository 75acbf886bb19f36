import { Anchor, Badge, Group, Stack, Table, Tabs, Text } from "@mantine/core";
import { IconDownload, IconFileTypePdf } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Route, Routes, useNavigate, useParams } from "react-router";

import { api, unwrap } from "../../api/client";
import { useCursorList } from "../../api/pagination";
import { ErrorAlert } from "../../components/ErrorAlert";
import { LoadMore } from "../../components/LoadMore";
import { PageHeader } from "../../components/PageHeader";
import { TableCard } from "../../components/TableCard";
import { TableSkeleton } from "../../components/TableSkeleton";
import { formatDate, humanize } from "../../components/formatting";
import NotFoundPage from "../NotFoundPage";
import { CapitalAccountsTable } from "../funds/fund/CapitalAccountsTab";
import { CsvButton } from "../funds/shared/CsvButton";
import { DateField } from "../funds/shared/DateField";
import { formatMultiple, formatPercent, isZero, todayIso } from "../funds/shared/format";
import { apiLink, csvUrl } from "../funds/shared/links";
import { Money } from "../funds/shared/Money";
import { QueryView } from "../funds/shared/PanelState";
import { StatusBadge } from "../funds/shared/StatusBadge";

const portalKey = (part: string, ...rest: unknown[]) => ["portal", part, ...rest] as const;

function NoneRow({ columns, children }: { columns: number; children: string }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={columns}>
        <Text size="sm" c="dimmed" ta="center" py="md">
          {children}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

function NoticeLink({ href, label }: { href: string; label: string }) {
  return (
    <Anchor href={apiLink(href)} target="_blank" rel="noopener" size="sm" aria-label={label}>
      <Group gap={4} wrap="nowrap">
        <IconFileTypePdf size={16} aria-hidden /> Notice
      </Group>
    </Anchor>
  );
}

/** Above one of the LP's lists: its CSV export, every row of the list (the API's `format=csv`). */
function ExportBar({ path }: { path: string }) {
  return (
    <Group justify="flex-end">
      <CsvButton href={csvUrl(path)} />
    </Group>
  );
}

function CommitmentsPanel() {
  const commitments = useQuery({
    queryKey: portalKey("commitments"),
    queryFn: () => unwrap(api.GET("/api/v1/portal/commitments")),
  });
  const performance = useQuery({
    queryKey: portalKey("performance"),
    queryFn: () => unwrap(api.GET("/api/v1/portal/performance")),
  });
  return (
    <Stack gap="lg">
      <ExportBar path="/api/v1/portal/commitments" />
      <QueryView query={commitments} loadingLabel="Loading your commitments">
        {(rows) => (
          <TableCard minWidth={860}>
            <Table horizontalSpacing="md" verticalSpacing="sm" aria-label="My commitments">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Fund</Table.Th>
                  <Table.Th>Investor</Table.Th>
                  <Table.Th ta="right">Commitment</Table.Th>
                  <Table.Th ta="right">Called</Table.Th>
                  <Table.Th ta="right">Contributed</Table.Th>
                  <Table.Th ta="right">Unfunded</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.length === 0 ? (
                  <NoneRow columns={6}>You have no commitments yet.</NoneRow>
                ) : (
                  rows.map((row) => (
                    <Table.Tr key={row.id} data-testid="portal-commitment">
                      <Table.Td>{row.fund_name}</Table.Td>
                      <Table.Td>{row.investor_name}</Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.amount} currency={row.currency} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.called} currency={row.currency} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.contributed} currency={row.currency} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.unfunded} currency={row.currency} fw={600} />
                      </Table.Td>
                    </Table.Tr>
                  ))
                )}
              </Table.Tbody>
            </Table>
          </TableCard>
        )}
      </QueryView>
      <QueryView query={performance} loadingLabel="Loading your performance">
        {(rows) =>
          rows.length === 0 ? null : (
            <TableCard minWidth={860}>
              <Table horizontalSpacing="md" verticalSpacing="sm" aria-label="My performance">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Fund</Table.Th>
                    <Table.Th ta="right">Paid in</Table.Th>
                    <Table.Th ta="right">Distributed</Table.Th>
                    <Table.Th ta="right">NAV</Table.Th>
                    <Table.Th ta="right">DPI</Table.Th>
                    <Table.Th ta="right">TVPI</Table.Th>
                    <Table.Th ta="right">IRR</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((row) => (
                    <Table.Tr key={`${row.fund_id}-${row.investor_id}`}>
                      <Table.Td>
                        {row.fund_name}
                        <Text size="xs" c="dimmed">
                          as of {formatDate(row.as_of)}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.paid_in} currency={row.currency} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.distributed} currency={row.currency} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.nav} currency={row.currency} />
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
          )
        }
      </QueryView>
    </Stack>
  );
}

function CallsPanel() {
  const calls = useQuery({
    queryKey: portalKey("capital-calls"),
    queryFn: () => unwrap(api.GET("/api/v1/portal/capital-calls")),
  });
  return (
    <Stack gap="sm">
      <ExportBar path="/api/v1/portal/capital-calls" />
      <QueryView query={calls} loadingLabel="Loading your capital calls">
        {(rows) => (
          <TableCard minWidth={980}>
            <Table horizontalSpacing="md" verticalSpacing="sm" aria-label="My capital calls">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Fund</Table.Th>
                  <Table.Th>Call</Table.Th>
                  <Table.Th>Due</Table.Th>
                  <Table.Th ta="right">Amount due</Table.Th>
                  <Table.Th ta="right">Paid</Table.Th>
                  <Table.Th ta="right">Outstanding</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Wire reference</Table.Th>
                  <Table.Th>Notice</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.length === 0 ? (
                  <NoneRow columns={9}>No capital calls yet.</NoneRow>
                ) : (
                  rows.map((row) => (
                    <Table.Tr key={`${row.call_id}-${row.commitment_id}`} data-testid="portal-call">
                      <Table.Td>
                        {row.fund_name}
                        <Text size="xs" c="dimmed">
                          {row.investor_name}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {row.number} · {humanize(row.purpose)}
                      </Table.Td>
                      <Table.Td>{formatDate(row.due_date)}</Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.amount_due} currency={row.currency} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.paid_amount} currency={row.currency} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.outstanding} currency={row.currency} fw={600} />
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          <StatusBadge status={row.status} />
                          {row.is_overdue && !isZero(row.outstanding) ? (
                            <Badge color="red" variant="filled" size="sm">
                              Overdue
                            </Badge>
                          ) : null}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace">
                          {row.payment_reference}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <NoticeLink
                          href={row.notice_url}
                          label={`Notice of ${row.fund_name} call ${row.number} (PDF)`}
                        />
                      </Table.Td>
                    </Table.Tr>
                  ))
                )}
              </Table.Tbody>
            </Table>
          </TableCard>
        )}
      </QueryView>
    </Stack>
  );
}

function DistributionsPanel() {
  const distributions = useQuery({
    queryKey: portalKey("distributions"),
    queryFn: () => unwrap(api.GET("/api/v1/portal/distributions")),
  });
  return (
    <Stack gap="sm">
      <ExportBar path="/api/v1/portal/distributions" />
      <QueryView query={distributions} loadingLabel="Loading your distributions">
        {(rows) => (
          <TableCard minWidth={900}>
            <Table horizontalSpacing="md" verticalSpacing="sm" aria-label="My distributions">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Fund</Table.Th>
                  <Table.Th>Distribution</Table.Th>
                  <Table.Th>Date</Table.Th>
                  <Table.Th ta="right">Gross</Table.Th>
                  <Table.Th ta="right">Withholding</Table.Th>
                  <Table.Th ta="right">Net</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Notice</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.length === 0 ? (
                  <NoneRow columns={8}>No distributions yet.</NoneRow>
                ) : (
                  rows.map((row) => (
                    <Table.Tr
                      key={`${row.distribution_id}-${row.investor_id}`}
                      data-testid="portal-distribution"
                    >
                      <Table.Td>
                        {row.fund_name}
                        <Text size="xs" c="dimmed">
                          {row.investor_name}
                        </Text>
                      </Table.Td>
                      <Table.Td>{row.number}</Table.Td>
                      <Table.Td>{formatDate(row.distribution_date)}</Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.amount} currency={row.currency} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.withholding_amount} currency={row.currency} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.net_amount} currency={row.currency} fw={600} />
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge status={row.status} />
                      </Table.Td>
                      <Table.Td>
                        <NoticeLink
                          href={row.notice_url}
                          label={`Notice of ${row.fund_name} distribution ${row.number} (PDF)`}
                        />
                      </Table.Td>
                    </Table.Tr>
                  ))
                )}
              </Table.Tbody>
            </Table>
          </TableCard>
        )}
      </QueryView>
    </Stack>
  );
}

function CapitalAccountPanel() {
  const [start, setStart] = useState<string | null>(null);
  const [end, setEnd] = useState<string | null>(todayIso());
  const period = { ...(start ? { start } : {}), ...(end ? { end } : {}) };
  const accounts = useQuery({
    queryKey: portalKey("capital-account", period),
    queryFn: () => unwrap(api.GET("/api/v1/portal/capital-account", { params: { query: period } })),
  });
  return (
    <Stack gap="md">
      <Group gap="sm" align="flex-end">
        <DateField
          label="From"
          placeholder="Since inception"
          value={start}
          onChange={setStart}
          clearable
          w={170}
        />
        <DateField label="To" value={end} onChange={setEnd} clearable w={170} />
      </Group>
      <QueryView query={accounts} loadingLabel="Loading your capital account">
        {(rows) => <CapitalAccountsTable accounts={rows} label="My capital account" />}
      </QueryView>
    </Stack>
  );
}

function StatementsPanel() {
  const statements = useCursorList(portalKey("statements"), (cursor) =>
    unwrap(
      api.GET("/api/v1/portal/statements", {
        params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  const rows = statements.rows;
  if (statements.isPending) return <TableSkeleton label="Loading your statements" />;
  if (statements.isError && rows.length === 0) {
    return (
      <ErrorAlert
        error={statements.error}
        onRetry={() => void statements.refetch()}
        isRetrying={statements.isFetching}
      />
    );
  }
  return (
    <Stack gap="sm">
      <TableCard minWidth={700}>
        <Table horizontalSpacing="md" verticalSpacing="sm" aria-label="My statements">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Quarter</Table.Th>
              <Table.Th>Investor</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Format</Table.Th>
              <Table.Th>File</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 ? (
              <NoneRow columns={5}>No statements yet.</NoneRow>
            ) : (
              rows.map((row) => (
                <Table.Tr key={row.id} data-testid="portal-statement">
                  <Table.Td>
                    {formatDate(row.period_start)} – {formatDate(row.period_end)}
                  </Table.Td>
                  <Table.Td>{row.investor_name ?? "—"}</Table.Td>
                  <Table.Td>{humanize(row.kind)}</Table.Td>
                  <Table.Td>{row.format.toUpperCase()}</Table.Td>
                  <Table.Td>
                    {row.status === "ready" ? (
                      <Anchor
                        href={apiLink(row.download_url)}
                        download
                        title={row.filename ?? undefined}
                        size="sm"
                      >
                        <Group gap={4} wrap="nowrap">
                          <IconDownload size={14} aria-hidden /> Download
                        </Group>
                      </Anchor>
                    ) : (
                      <StatusBadge status={row.status} />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))
            )}
          </Table.Tbody>
        </Table>
      </TableCard>
      <LoadMore
        hasNextPage={statements.hasNextPage}
        isFetchingNextPage={statements.isFetchingNextPage}
        error={statements.error}
        fetchNextPage={() => void statements.fetchNextPage()}
      />
    </Stack>
  );
}

function PaymentsPanel() {
  const payments = useCursorList(portalKey("payments"), (cursor) =>
    unwrap(
      api.GET("/api/v1/portal/payments", { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } }),
    ),
  );
  const rows = payments.rows;
  return (
    <Stack gap="sm">
      <ExportBar path="/api/v1/portal/payments" />
      {payments.isPending ? (
        <TableSkeleton label="Loading your payments" />
      ) : payments.isError && rows.length === 0 ? (
        <ErrorAlert
          error={payments.error}
          onRetry={() => void payments.refetch()}
          isRetrying={payments.isFetching}
        />
      ) : (
        <>
          <TableCard minWidth={700}>
            <Table horizontalSpacing="md" verticalSpacing="sm" aria-label="My payments">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Received</Table.Th>
                  <Table.Th>Investor</Table.Th>
                  <Table.Th>Call</Table.Th>
                  <Table.Th ta="right">Amount</Table.Th>
                  <Table.Th>Reference</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.length === 0 ? (
                  <NoneRow columns={5}>No payments yet.</NoneRow>
                ) : (
                  rows.map((row) => (
                    <Table.Tr key={row.id}>
                      <Table.Td>{formatDate(row.received_date)}</Table.Td>
                      <Table.Td>{row.investor_name}</Table.Td>
                      <Table.Td>{row.call_number}</Table.Td>
                      <Table.Td ta="right">
                        <Money value={row.amount} currency={row.currency} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace">
                          {row.reference ?? "—"}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))
                )}
              </Table.Tbody>
            </Table>
          </TableCard>
          <LoadMore
            hasNextPage={payments.hasNextPage}
            isFetchingNextPage={payments.isFetchingNextPage}
            error={payments.error}
            fetchNextPage={() => void payments.fetchNextPage()}
          />
        </>
      )}
    </Stack>
  );
}

const TABS = [
  { value: "commitments", label: "Commitments", panel: <CommitmentsPanel /> },
  { value: "capital-calls", label: "Capital calls", panel: <CallsPanel /> },
  { value: "distributions", label: "Distributions", panel: <DistributionsPanel /> },
  { value: "capital-account", label: "Capital account", panel: <CapitalAccountPanel /> },
  { value: "statements", label: "Statements", panel: <StatementsPanel /> },
  { value: "payments", label: "Payments", panel: <PaymentsPanel /> },
] as const;

function PortalPage() {
  const { tab } = useParams();
  const navigate = useNavigate();
  const current = TABS.find((entry) => entry.value === tab) ?? TABS[0];
  const investors = useQuery({
    queryKey: portalKey("investors"),
    queryFn: () => unwrap(api.GET("/api/v1/portal/investors")),
  });
  const names = (investors.data ?? []).map((investor) => investor.name);
  return (
    <>
      <PageHeader
        title="My investments"
        description={
          names.length > 0
            ? `Investing as ${names.join(", ")}.`
            : investors.isSuccess
              ? "Your account is not linked to an investor yet; ask the fund's administrator."
              : undefined
        }
      />
      <Tabs
        value={current.value}
        onChange={(value) => value && void navigate(value === "commitments" ? "/portal" : `/portal/${value}`)}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          {TABS.map((entry) => (
            <Tabs.Tab key={entry.value} value={entry.value}>
              {entry.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value={current.value}>{current.panel}</Tabs.Panel>
      </Tabs>
    </>
  );
}

/** `/portal`: a limited partner's own commitments, calls, distributions, capital account and statements. */
export default function PortalSection() {
  return (
    <Routes>
      <Route path=":tab?" element={<PortalPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
