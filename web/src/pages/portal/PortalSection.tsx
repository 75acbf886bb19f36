import { Anchor, Badge, Group, Stack, Tabs, Text } from "@mantine/core";
import { IconDownload, IconFileTypePdf } from "@tabler/icons-react";
import { useState } from "react";
import { Route, Routes, useNavigate, useParams } from "react-router";

import { DataTable, type DataTableColumn } from "../../components/DataTable";
import { PageHeader } from "../../components/PageHeader";
import { formatDate, humanize } from "../../components/formatting";
import NotFoundPage from "../NotFoundPage";
import { CapitalAccountsTable } from "../funds/fund/CapitalAccountsTab";
import { DateField } from "../funds/shared/DateField";
import { formatMultiple, formatPercent, isZero, todayIso } from "../funds/shared/format";
import { apiLink, csvUrl } from "../funds/shared/links";
import { Money } from "../funds/shared/Money";
import { StatusBadge } from "../funds/shared/StatusBadge";
import {
  usePortalCalls,
  usePortalCapitalAccount,
  usePortalCommitments,
  usePortalDistributions,
  usePortalInvestors,
  usePortalPayments,
  usePortalPerformance,
  usePortalStatements,
} from "./queries";

type Commitment = NonNullable<ReturnType<typeof usePortalCommitments>["data"]>[number];
type Performance = NonNullable<ReturnType<typeof usePortalPerformance>["data"]>[number];
type CallShare = NonNullable<ReturnType<typeof usePortalCalls>["data"]>[number];
type DistributionShare = NonNullable<ReturnType<typeof usePortalDistributions>["data"]>[number];
type Statement = ReturnType<typeof usePortalStatements>["rows"][number];
type Payment = ReturnType<typeof usePortalPayments>["rows"][number];

function NoticeLink({ href, label }: { href: string; label: string }) {
  return (
    <Anchor href={apiLink(href)} target="_blank" rel="noopener" size="sm" aria-label={label}>
      <Group gap={4} wrap="nowrap">
        <IconFileTypePdf size={16} aria-hidden /> Notice
      </Group>
    </Anchor>
  );
}

function FundAndInvestor({ fund, investor }: { fund: string; investor: string }) {
  return (
    <>
      {fund}
      <Text size="xs" c="dimmed">
        {investor}
      </Text>
    </>
  );
}

const COMMITMENT_COLUMNS: DataTableColumn<Commitment>[] = [
  {
    accessor: "fund_name",
    title: "Fund",
    render: (row) => <FundAndInvestor fund={row.fund_name} investor={row.investor_name} />,
  },
  {
    accessor: "amount",
    title: "Commitment",
    textAlign: "right",
    render: (row) => <Money value={row.amount} currency={row.currency} />,
  },
  {
    accessor: "unfunded",
    title: "Unfunded",
    textAlign: "right",
    render: (row) => <Money value={row.unfunded} currency={row.currency} fw={600} />,
  },
  {
    accessor: "called",
    title: "Called",
    textAlign: "right",
    render: (row) => <Money value={row.called} currency={row.currency} />,
  },
  {
    accessor: "contributed",
    title: "Contributed",
    textAlign: "right",
    render: (row) => <Money value={row.contributed} currency={row.currency} />,
  },
];

const PERFORMANCE_COLUMNS: DataTableColumn<Performance>[] = [
  {
    accessor: "fund_name",
    title: "Fund",
    render: (row) => (
      <>
        {row.fund_name}
        <Text size="xs" c="dimmed">
          as of {formatDate(row.as_of)}
        </Text>
      </>
    ),
  },
  {
    accessor: "paid_in",
    title: "Paid in",
    textAlign: "right",
    render: (row) => <Money value={row.paid_in} currency={row.currency} />,
  },
  {
    accessor: "distributed",
    title: "Distributed",
    textAlign: "right",
    render: (row) => <Money value={row.distributed} currency={row.currency} />,
  },
  {
    accessor: "nav",
    title: "NAV",
    textAlign: "right",
    render: (row) => <Money value={row.nav} currency={row.currency} />,
  },
  { accessor: "dpi", title: "DPI", textAlign: "right", render: (row) => formatMultiple(row.dpi) },
  { accessor: "tvpi", title: "TVPI", textAlign: "right", render: (row) => formatMultiple(row.tvpi) },
  {
    accessor: "irr",
    title: "IRR",
    textAlign: "right",
    render: (row) => <span title={row.irr_reason ?? undefined}>{formatPercent(row.irr)}</span>,
  },
];

function CommitmentsPanel() {
  const commitments = usePortalCommitments();
  const performance = usePortalPerformance();
  return (
    <Stack gap="lg">
      <DataTable
        label="My commitments"
        columns={COMMITMENT_COLUMNS}
        records={commitments.data}
        idAccessor="id"
        query={commitments}
        noRecordsText="You have no commitments yet."
        csvHref={csvUrl("/api/v1/portal/commitments")}
        cardsBelow="sm"
        verticalSpacing="sm"
        rowAttributes={() => ({ "data-testid": "portal-commitment" })}
      />
      {performance.data?.length === 0 ? null : (
        <DataTable
          label="My performance"
          columns={PERFORMANCE_COLUMNS}
          records={performance.data}
          idAccessor={(row) => `${row.fund_id}-${row.investor_id}`}
          query={performance}
          cardsBelow="sm"
          verticalSpacing="sm"
        />
      )}
    </Stack>
  );
}

const CALL_COLUMNS: DataTableColumn<CallShare>[] = [
  {
    accessor: "fund_name",
    title: "Fund",
    render: (row) => <FundAndInvestor fund={row.fund_name} investor={row.investor_name} />,
  },
  {
    accessor: "number",
    title: "Call",
    render: (row) => `${row.number} · ${humanize(row.purpose)}`,
  },
  { accessor: "due_date", title: "Due", render: (row) => formatDate(row.due_date) },
  {
    accessor: "amount_due",
    title: "Amount due",
    textAlign: "right",
    render: (row) => <Money value={row.amount_due} currency={row.currency} />,
  },
  {
    accessor: "paid_amount",
    title: "Paid",
    textAlign: "right",
    render: (row) => <Money value={row.paid_amount} currency={row.currency} />,
  },
  {
    accessor: "outstanding",
    title: "Outstanding",
    textAlign: "right",
    render: (row) => <Money value={row.outstanding} currency={row.currency} fw={600} />,
  },
  {
    accessor: "status",
    title: "Status",
    render: (row) => (
      <Group gap={4} wrap="wrap">
        <StatusBadge status={row.allocation_status} />
        {row.is_overdue && !isZero(row.outstanding) ? (
          <Badge color="red" variant="filled" size="sm">
            Overdue
          </Badge>
        ) : null}
      </Group>
    ),
  },
  {
    accessor: "payment_reference",
    title: "Wire reference",
    render: (row) => (
      <Text size="xs" ff="monospace">
        {row.payment_reference}
      </Text>
    ),
  },
  {
    accessor: "notice_url",
    title: "Notice",
    render: (row) => (
      <NoticeLink href={row.notice_url} label={`Notice of ${row.fund_name} call ${row.number} (PDF)`} />
    ),
  },
];

function CallsPanel() {
  const calls = usePortalCalls();
  return (
    <DataTable
      label="My capital calls"
      columns={CALL_COLUMNS}
      records={calls.data}
      idAccessor={(row) => `${row.call_id}-${row.commitment_id}`}
      query={calls}
      noRecordsText="No capital calls yet."
      csvHref={csvUrl("/api/v1/portal/capital-calls")}
      cardsBelow="sm"
      verticalSpacing="sm"
      rowAttributes={() => ({ "data-testid": "portal-call" })}
    />
  );
}

const DISTRIBUTION_COLUMNS: DataTableColumn<DistributionShare>[] = [
  {
    accessor: "fund_name",
    title: "Fund",
    render: (row) => <FundAndInvestor fund={row.fund_name} investor={row.investor_name} />,
  },
  { accessor: "number", title: "Distribution" },
  { accessor: "distribution_date", title: "Date", render: (row) => formatDate(row.distribution_date) },
  {
    accessor: "amount",
    title: "Gross",
    textAlign: "right",
    render: (row) => <Money value={row.amount} currency={row.currency} />,
  },
  {
    accessor: "withholding_amount",
    title: "Withholding",
    textAlign: "right",
    render: (row) => <Money value={row.withholding_amount} currency={row.currency} />,
  },
  {
    accessor: "net_amount",
    title: "Net",
    textAlign: "right",
    render: (row) => <Money value={row.net_amount} currency={row.currency} fw={600} />,
  },
  { accessor: "status", title: "Status", render: (row) => <StatusBadge status={row.status} /> },
  {
    accessor: "notice_url",
    title: "Notice",
    render: (row) => (
      <NoticeLink
        href={row.notice_url}
        label={`Notice of ${row.fund_name} distribution ${row.number} (PDF)`}
      />
    ),
  },
];

function DistributionsPanel() {
  const distributions = usePortalDistributions();
  return (
    <DataTable
      label="My distributions"
      columns={DISTRIBUTION_COLUMNS}
      records={distributions.data}
      idAccessor={(row) => `${row.distribution_id}-${row.investor_id}`}
      query={distributions}
      noRecordsText="No distributions yet."
      csvHref={csvUrl("/api/v1/portal/distributions")}
      cardsBelow="sm"
      verticalSpacing="sm"
      rowAttributes={() => ({ "data-testid": "portal-distribution" })}
    />
  );
}

function CapitalAccountPanel() {
  const [start, setStart] = useState<string | null>(null);
  const [end, setEnd] = useState<string | null>(todayIso());
  const period = { ...(start ? { start } : {}), ...(end ? { end } : {}) };
  const accounts = usePortalCapitalAccount(period);
  return (
    <CapitalAccountsTable
      accounts={accounts.data ?? []}
      label="My capital account"
      query={accounts}
      toolbar={
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
      }
    />
  );
}

const STATEMENT_COLUMNS: DataTableColumn<Statement>[] = [
  {
    accessor: "period_end",
    title: "Quarter",
    render: (row) => `${formatDate(row.period_start)} – ${formatDate(row.period_end)}`,
  },
  { accessor: "investor_name", title: "Investor" },
  { accessor: "kind", title: "Kind", render: (row) => humanize(row.kind) },
  { accessor: "format", title: "Format", render: (row) => row.format.toUpperCase() },
  {
    accessor: "download_url",
    title: "File",
    render: (row) =>
      row.status === "ready" ? (
        <Anchor href={apiLink(row.download_url)} download title={row.filename ?? undefined} size="sm">
          <Group gap={4} wrap="nowrap">
            <IconDownload size={14} aria-hidden /> Download
          </Group>
        </Anchor>
      ) : (
        <StatusBadge status={row.status} />
      ),
  },
];

function StatementsPanel() {
  const statements = usePortalStatements();
  return (
    <DataTable
      label="My statements"
      columns={STATEMENT_COLUMNS}
      records={statements.rows}
      idAccessor="id"
      query={statements}
      noRecordsText="No statements yet."
      cardsBelow="sm"
      verticalSpacing="sm"
      rowAttributes={() => ({ "data-testid": "portal-statement" })}
    />
  );
}

const PAYMENT_COLUMNS: DataTableColumn<Payment>[] = [
  { accessor: "received_date", title: "Received", render: (row) => formatDate(row.received_date) },
  { accessor: "fund_name", title: "Fund" },
  { accessor: "investor_name", title: "Investor" },
  { accessor: "call_number", title: "Call" },
  {
    accessor: "amount",
    title: "Amount",
    textAlign: "right",
    render: (row) => <Money value={row.amount} currency={row.currency} />,
  },
  {
    accessor: "reference",
    title: "Reference",
    render: (row) => (
      <Text size="xs" ff="monospace">
        {row.reference ?? "—"}
      </Text>
    ),
  },
];

function PaymentsPanel() {
  const payments = usePortalPayments();
  return (
    <DataTable
      label="My payments"
      columns={PAYMENT_COLUMNS}
      records={payments.rows}
      idAccessor="id"
      query={payments}
      noRecordsText="No payments yet."
      csvHref={csvUrl("/api/v1/portal/payments")}
      cardsBelow="sm"
      verticalSpacing="sm"
    />
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
  const investors = usePortalInvestors();
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
