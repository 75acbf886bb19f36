import { Badge, Group, Paper, Stack, Table, Text, Tooltip } from "@mantine/core";
import { IconCircleCheck, IconAlertCircle } from "@tabler/icons-react";
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
import { CsvButton } from "../shared/CsvButton";
import { DateField } from "../shared/DateField";
import { formatMoney, todayIso } from "../shared/format";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { fundKeys, type Fund } from "../shared/queries";

type CapitalAccount = ResponseOf<"/api/v1/funds/{fund_id}/capital-accounts", "get">["items"][number];
type Reconciliation = ResponseOf<"/api/v1/funds/{fund_id}/reconciliation", "get">;

/** The columns of an ILPA capital account statement, in its order. */
export const ACCOUNT_COLUMNS: { key: keyof CapitalAccount & string; label: string }[] = [
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

/** Capital accounts, one row per partner, as the API computed them. */
export function CapitalAccountsTable({
  accounts,
  label,
}: {
  accounts: readonly CapitalAccount[];
  label: string;
}) {
  return (
    <TableCard minWidth={1500}>
      <Table horizontalSpacing="sm" verticalSpacing="xs" aria-label={label} highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th miw={220}>Partner</Table.Th>
            {ACCOUNT_COLUMNS.map((column) => (
              <Table.Th key={column.key} ta="right">
                {column.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {accounts.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={ACCOUNT_COLUMNS.length + 1}>
                <Text size="sm" c="dimmed" ta="center" py="md">
                  No capital accounts for this period.
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : (
            accounts.map((account) => (
              <Table.Tr key={`${account.fund_id}-${account.investor_id}`} data-testid="capital-account-row">
                <Table.Td>
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
                </Table.Td>
                {ACCOUNT_COLUMNS.map((column) => (
                  <Table.Td key={column.key} ta="right">
                    <Money
                      value={String(account[column.key])}
                      currency={account.currency}
                      fw={column.key === "ending_balance" ? 600 : undefined}
                    />
                  </Table.Td>
                ))}
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </Table>
    </TableCard>
  );
}

function ReconciliationBadge({ reconciliation }: { reconciliation: Reconciliation }) {
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
    </Paper>
  );
}

/** Every partner's capital account for a period, checked against the trial balance. */
export function CapitalAccountsTab({ fund }: { fund: Fund }) {
  const [start, setStart] = useState<string | null>(null);
  const [end, setEnd] = useState<string | null>(todayIso());
  const period = { ...(start ? { start } : {}), ...(end ? { end } : {}) };
  const accounts = useCursorList(fundKeys.part(fund.id, "capital-accounts", period), (cursor) =>
    unwrap(
      api.GET("/api/v1/funds/{fund_id}/capital-accounts", {
        params: {
          path: { fund_id: fund.id },
          query: { ...period, limit: 200, ...(cursor ? { cursor } : {}) },
        },
      }),
    ),
  );
  const reconciliation = useQuery({
    queryKey: fundKeys.part(fund.id, "reconciliation", end),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/funds/{fund_id}/reconciliation", {
          params: { path: { fund_id: fund.id }, query: end ? { as_of: end } : {} },
        }),
      ),
  });

  return (
    <Stack gap="md">
      <Group gap="sm" align="flex-end" justify="space-between" wrap="wrap">
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
        <CsvButton href={csvUrl("/api/v1/funds/{fund_id}/capital-accounts", { fund_id: fund.id }, period)} />
      </Group>
      {reconciliation.isError ? (
        <ErrorAlert error={reconciliation.error} title="The reconciliation check could not run" />
      ) : reconciliation.data ? (
        <ReconciliationBadge reconciliation={reconciliation.data} />
      ) : null}
      {accounts.isPending ? (
        <TableSkeleton label="Loading capital accounts" />
      ) : accounts.isError && accounts.rows.length === 0 ? (
        <ErrorAlert
          error={accounts.error}
          onRetry={() => void accounts.refetch()}
          isRetrying={accounts.isFetching}
        />
      ) : (
        <>
          <CapitalAccountsTable accounts={accounts.rows} label="Capital accounts" />
          <LoadMore
            hasNextPage={accounts.hasNextPage}
            isFetchingNextPage={accounts.isFetchingNextPage}
            error={accounts.error}
            fetchNextPage={() => void accounts.fetchNextPage()}
          />
        </>
      )}
    </Stack>
  );
}
