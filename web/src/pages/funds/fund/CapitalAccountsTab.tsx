import { Badge, Group, Paper, Stack, Text, Tooltip } from "@mantine/core";
import { IconCircleCheck, IconAlertCircle } from "@tabler/icons-react";
import { useState, type ReactNode } from "react";

import { DataTable, type DataTableColumn, type DataTableQuery } from "../../../components/DataTable";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { formatDate, humanize } from "../../../components/formatting";
import { DateField } from "../shared/DateField";
import { formatMoney, sumAmounts, todayIso } from "../shared/format";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import type { Fund } from "../shared/queries";
import { useCapitalAccounts, useReconciliation, type CapitalAccount, type Reconciliation } from "./queries";

type AmountKey = {
  [K in keyof CapitalAccount]: CapitalAccount[K] extends string ? K : never;
}[keyof CapitalAccount] &
  string;

/** The columns of an ILPA capital account statement, in its order. */
export const ACCOUNT_COLUMNS: { key: AmountKey; label: string }[] = [
  { key: "beginning_balance", label: "Beginning" },
  { key: "contributions", label: "Contributions" },
  { key: "distributions", label: "Distributions" },
  { key: "management_fees", label: "Management fees" },
  { key: "fee_offsets", label: "Fee offsets" },
  { key: "expenses", label: "Expenses" },
  { key: "realized_gains", label: "Realized gains" },
  { key: "unrealized_gains", label: "Unrealized gains" },
  { key: "income", label: "Income" },
  { key: "equalization_interest", label: "Equalization interest" },
  { key: "carried_interest", label: "Carried interest" },
  { key: "ending_balance", label: "Ending" },
];

function accountColumns(accounts: readonly CapitalAccount[]): DataTableColumn<CapitalAccount>[] {
  const currencies = new Set(accounts.map((account) => account.currency));
  const currency = currencies.size === 1 ? (accounts[0]?.currency ?? null) : null;
  // A total only adds up amounts of one currency; a list across currencies has none.
  const withTotal = currency !== null && accounts.length > 1;
  return [
    {
      accessor: "investor_name",
      title: "Partner",
      width: 220,
      footer: withTotal ? "Total" : undefined,
      render: (account) => (
        <>
          <Group gap={6} wrap="nowrap">
            <Text size="sm">{account.investor_name}</Text>
            {account.is_gp ? (
              <Badge size="xs" variant="outline">
                GP
              </Badge>
            ) : null}
          </Group>
          <Text size="xs" c="dimmed">
            {account.fund_name}
          </Text>
        </>
      ),
    },
    ...ACCOUNT_COLUMNS.map((column): DataTableColumn<CapitalAccount> => ({
      accessor: column.key,
      title: column.label,
      textAlign: "right",
      wrapTitle: true,
      footer:
        withTotal && currency ? (
          <Money
            value={sumAmounts(accounts.map((account) => account[column.key]))}
            currency={currency}
            fw={600}
          />
        ) : undefined,
      render: (account) => (
        <Money
          value={account[column.key]}
          currency={account.currency}
          fw={column.key === "ending_balance" ? 600 : undefined}
        />
      ),
    })),
  ];
}

/**
 * Capital accounts, one row per partner, as the API computed them, with a total row that adds
 * each column exactly; the partner column stays in view while the amounts scroll sideways.
 */
export function CapitalAccountsTable({
  accounts,
  label,
  query,
  toolbar,
  csvHref,
}: {
  accounts: readonly CapitalAccount[];
  label: string;
  query?: DataTableQuery;
  toolbar?: ReactNode;
  csvHref?: string;
}) {
  return (
    <DataTable
      label={label}
      columns={accountColumns(accounts)}
      records={accounts}
      idAccessor={(account) => `${account.fund_id}-${account.investor_id}`}
      query={query}
      noRecordsText="No capital accounts for this period."
      minWidth={900}
      pinFirstColumn
      alwaysShowScrollbar
      cardsBelow="sm"
      toolbar={toolbar}
      csvHref={csvHref}
      rowAttributes={() => ({ "data-testid": "capital-account-row" })}
    />
  );
}

type DocumentDifference = Reconciliation["document_differences"][number];

function differenceColumns(cur: string): DataTableColumn<DocumentDifference>[] {
  return [
    { accessor: "investor_name", title: "Partner", render: (d) => d.investor_name ?? d.investor_id },
    { accessor: "line", title: "Line", render: (d) => humanize(d.line) },
    {
      accessor: "from_documents",
      title: "From the documents",
      textAlign: "right",
      render: (d) => formatMoney(d.from_documents, cur),
    },
    {
      accessor: "from_ledger",
      title: "In the ledger",
      textAlign: "right",
      render: (d) => formatMoney(d.from_ledger, cur),
    },
    {
      accessor: "difference",
      title: "Difference",
      textAlign: "right",
      render: (d) => formatMoney(d.difference, cur),
    },
  ];
}

export function ReconciliationBadge({ reconciliation }: { reconciliation: Reconciliation }) {
  const cur = reconciliation.currency;
  const details = `Partners' capital ${formatMoney(reconciliation.partners_capital, cur)}; partners' equity ${formatMoney(reconciliation.partners_equity, cur)}; net assets ${formatMoney(reconciliation.net_assets, cur)}`;
  return (
    <Paper p="sm" data-testid="reconciliation-check">
      <Group gap="sm" wrap="wrap">
        <Tooltip label={details} multiline w={320}>
          {reconciliation.reconciles ? (
            <Badge color="teal" variant="filled" leftSection={<IconCircleCheck size={14} />}>
              Reconciles with the ledger
            </Badge>
          ) : (
            <Badge color="red" variant="filled" leftSection={<IconAlertCircle size={14} />}>
              Does not reconcile
            </Badge>
          )}
        </Tooltip>
        {reconciliation.documents_agree === false ? (
          <Badge color="red" variant="filled" leftSection={<IconAlertCircle size={14} />}>
            Ledger differs from the documents
          </Badge>
        ) : reconciliation.documents_agree ? (
          <Tooltip
            label="The capital accounts computed from the calls, payments, distributions, fees, expenses and valuations agree with the ledger's."
            multiline
            w={320}
          >
            <Badge color="teal" variant="light" leftSection={<IconCircleCheck size={14} />}>
              Agrees with the documents
            </Badge>
          </Tooltip>
        ) : null}
        <Text size="xs" c="dimmed">
          At {formatDate(reconciliation.as_of)}: equity difference{" "}
          {formatMoney(reconciliation.equity_difference, cur)}, NAV difference{" "}
          {formatMoney(reconciliation.nav_difference, cur)}; trial balance{" "}
          {reconciliation.trial_balance_balanced ? "balanced" : "NOT balanced"}
          {reconciliation.unknown_partners.length > 0
            ? `; ${reconciliation.unknown_partners.length} partners in the ledger are not investors of the fund`
            : ""}
          .
        </Text>
      </Group>
      {reconciliation.document_differences.length > 0 ? (
        <DataTable
          label="Differences between the documents and the ledger"
          columns={differenceColumns(cur)}
          records={reconciliation.document_differences}
          idAccessor={(d) => `${d.investor_id}-${d.line}`}
          withCard={false}
          rowAttributes={() => ({ "data-testid": "document-difference" })}
        />
      ) : null}
    </Paper>
  );
}

/** Every partner's capital account for a period, checked against the trial balance. */
export function CapitalAccountsTab({ fund }: { fund: Fund }) {
  const [start, setStart] = useState<string | null>(null);
  const [end, setEnd] = useState<string | null>(todayIso());
  const period = { ...(start ? { start } : {}), ...(end ? { end } : {}) };
  const accounts = useCapitalAccounts(fund.id, period);
  const reconciliation = useReconciliation(fund.id, end);

  return (
    <Stack gap="md">
      {reconciliation.isError ? (
        <ErrorAlert error={reconciliation.error} title="The reconciliation check could not run" />
      ) : reconciliation.data ? (
        <ReconciliationBadge reconciliation={reconciliation.data} />
      ) : null}
      <CapitalAccountsTable
        accounts={accounts.rows}
        label="Capital accounts"
        query={accounts}
        csvHref={csvUrl("/api/v1/funds/{fund_id}/capital-accounts", { fund_id: fund.id }, period)}
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
    </Stack>
  );
}
