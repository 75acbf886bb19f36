import { Button, Group, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap } from "../../../api/client";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { LoadMore } from "../../../components/LoadMore";
import { TableCard } from "../../../components/TableCard";
import { TableSkeleton } from "../../../components/TableSkeleton";
import { formatDate, humanize } from "../../../components/formatting";
import { CsvButton } from "../../../components/CsvButton";
import { formatMoney } from "../shared/format";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import type { Fund } from "../shared/queries";
import { StatusBadge } from "../shared/StatusBadge";
import { ConfirmCancelModal } from "./ConfirmCancelModal";
import { refreshFund, useExpenses, type CompanyOption, type Expense } from "./fees";
import { RecordExpenseModal } from "./RecordExpenseModal";

/** The categories offered when recording an expense; any other may be typed. */
const COMMON_CATEGORIES = [
  "administration",
  "audit",
  "insurance",
  "investor_relations",
  "legal",
  "organizational",
  "tax",
];

/** `$18,500.00 for audit from Baker & Lane LLP`: an expense named in a sentence. */
function describe(expense: Expense): string {
  const amount = formatMoney(expense.amount, expense.currency);
  const category = humanize(expense.category).toLowerCase();
  return `${amount} for ${category}${expense.vendor ? ` from ${expense.vendor}` : ""}`;
}

interface ExpensesSectionProps {
  fund: Fund;
  canWrite: boolean;
  /** The fund's portfolio companies; null when the person may not read the portfolio. */
  companies: CompanyOption[] | null;
}

/**
 * The fund's expenses with their CSV export; the holders of fee:write record one (charged to
 * the partners pro rata to commitments) and cancel one recorded by mistake while none of it is paid.
 */
export function ExpensesSection({ fund, canWrite, companies }: ExpensesSectionProps) {
  const queryClient = useQueryClient();
  const expenses = useExpenses(fund.id);
  const rows = expenses.rows;
  const [recording, setRecording] = useState(false);
  const [session, setSession] = useState(0);
  /** The expense to cancel, kept while the dialog closes so its text does not vanish mid-transition. */
  const [cancelling, setCancelling] = useState<Expense | null>(null);
  const [confirming, setConfirming] = useState(false);
  const companyNames = new Map((companies ?? []).map((company) => [company.value, company.label]));
  const categories = [...new Set([...COMMON_CATEGORIES, ...rows.map((row) => row.category)])].sort();

  const cancel = useMutation({
    mutationFn: (expense: Expense) =>
      unwrap(
        api.POST("/api/v1/expenses/{expense_id}/cancel", { params: { path: { expense_id: expense.id } } }),
      ),
    onSuccess: async (expense) => {
      setConfirming(false);
      notifications.show({
        message: `The expense of ${formatMoney(expense.amount, expense.currency)} is cancelled; its entry is reversed.`,
        color: "teal",
      });
      await refreshFund(queryClient, fund.id);
    },
  });

  const columns = canWrite ? 6 : 5;
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={4}>Expenses</Title>
        <Group gap="sm">
          <CsvButton href={csvUrl("/api/v1/funds/{fund_id}/expenses", { fund_id: fund.id })} />
          {canWrite ? (
            <Button
              leftSection={<IconPlus size={16} />}
              onClick={() => {
                setSession((current) => current + 1);
                setRecording(true);
              }}
            >
              Record expense
            </Button>
          ) : null}
        </Group>
      </Group>
      {expenses.isPending ? (
        <TableSkeleton label="Loading expenses" />
      ) : expenses.isError && rows.length === 0 ? (
        <ErrorAlert
          error={expenses.error}
          onRetry={() => void expenses.refetch()}
          isRetrying={expenses.isFetching}
        />
      ) : (
        <>
          <TableCard minWidth={820}>
            <Table horizontalSpacing="md" verticalSpacing="xs" highlightOnHover aria-label="Expenses">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Date</Table.Th>
                  <Table.Th>Category</Table.Th>
                  <Table.Th>Vendor and description</Table.Th>
                  <Table.Th ta="right">Amount</Table.Th>
                  <Table.Th>Status</Table.Th>
                  {canWrite ? (
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  ) : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.length === 0 ? (
                  <Table.Tr>
                    <Table.Td colSpan={columns}>
                      <Text c="dimmed" size="sm" ta="center" py="md">
                        No expenses were recorded yet.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ) : (
                  rows.map((expense) => {
                    const company = expense.company_id ? companyNames.get(expense.company_id) : undefined;
                    return (
                      <Table.Tr key={expense.id} data-testid="expense-row">
                        <Table.Td>{formatDate(expense.expense_date)}</Table.Td>
                        <Table.Td>{humanize(expense.category)}</Table.Td>
                        <Table.Td>
                          <Text size="sm">{expense.vendor ?? "—"}</Text>
                          {expense.description || company ? (
                            <Text size="xs" c="dimmed">
                              {[expense.description, company].filter(Boolean).join(" · ")}
                            </Text>
                          ) : null}
                        </Table.Td>
                        <Table.Td ta="right">
                          <Money value={expense.amount} currency={expense.currency} />
                        </Table.Td>
                        <Table.Td>
                          <StatusBadge status={expense.status} />
                        </Table.Td>
                        {canWrite ? (
                          <Table.Td ta="right">
                            {expense.status === "posted" ? (
                              <Button
                                size="xs"
                                variant="subtle"
                                color="red"
                                aria-label={`Cancel the expense of ${describe(expense)}`}
                                onClick={() => {
                                  cancel.reset();
                                  setCancelling(expense);
                                  setConfirming(true);
                                }}
                              >
                                Cancel
                              </Button>
                            ) : null}
                          </Table.Td>
                        ) : null}
                      </Table.Tr>
                    );
                  })
                )}
              </Table.Tbody>
            </Table>
          </TableCard>
          <LoadMore
            hasNextPage={expenses.hasNextPage}
            isFetchingNextPage={expenses.isFetchingNextPage}
            error={expenses.error}
            fetchNextPage={() => void expenses.fetchNextPage()}
          />
        </>
      )}
      {canWrite ? (
        <>
          <RecordExpenseModal
            fundId={fund.id}
            currency={fund.currency}
            categories={categories}
            companies={companies}
            opened={recording}
            session={session}
            onClose={() => setRecording(false)}
          />
          <ConfirmCancelModal
            opened={confirming && cancelling !== null}
            title="Cancel the expense"
            confirmLabel="Cancel expense"
            errorTitle="The expense could not be cancelled"
            error={cancel.error}
            isPending={cancel.isPending}
            onConfirm={() => cancelling && cancel.mutate(cancelling)}
            onClose={() => setConfirming(false)}
          >
            {cancelling
              ? `The expense of ${describe(cancelling)} on ${formatDate(cancelling.expense_date)} will be cancelled: its entry is reversed and the partners are no longer charged for it.`
              : ""}
          </ConfirmCancelModal>
        </>
      ) : null}
    </Stack>
  );
}
