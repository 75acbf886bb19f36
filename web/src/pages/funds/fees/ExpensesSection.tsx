import { Button, Group, Stack, Text, Title, VisuallyHidden } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus } from "@tabler/icons-react";
import { useState } from "react";

import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { formatDate, humanize } from "../../../components/formatting";
import { formatMoney } from "../shared/format";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import type { CompanyOption, Fund } from "../shared/queries";
import { StatusBadge } from "../shared/StatusBadge";
import { ConfirmCancelModal } from "./ConfirmCancelModal";
import { useCancelExpense, useExpenses, type Expense } from "./queries";
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
  const expenses = useExpenses(fund.id);
  const rows = expenses.rows;
  const [recording, setRecording] = useState(false);
  const [session, setSession] = useState(0);
  /** The expense to cancel, kept while the dialog closes so its text does not vanish mid-transition. */
  const [cancelling, setCancelling] = useState<Expense | null>(null);
  const [confirming, setConfirming] = useState(false);
  const companyNames = new Map((companies ?? []).map((company) => [company.value, company.label]));
  const categories = [...new Set([...COMMON_CATEGORIES, ...rows.map((row) => row.category)])].sort();

  const cancel = useCancelExpense(fund.id);
  const confirmCancel = (expense: Expense) =>
    cancel.mutate(expense, {
      onSuccess: (cancelled) => {
        setConfirming(false);
        notifications.show({
          message: `The expense of ${formatMoney(cancelled.amount, cancelled.currency)} is cancelled; its entry is reversed.`,
          color: "teal",
        });
      },
    });

  const columns: DataTableColumn<Expense>[] = [
    {
      accessor: "expense_date",
      title: "Date",
      noWrap: true,
      render: (expense) => formatDate(expense.expense_date),
    },
    {
      accessor: "category",
      title: "Category",
      visibleFrom: "sm",
      render: (expense) => humanize(expense.category),
    },
    {
      accessor: "vendor",
      title: "Vendor and description",
      visibleFrom: "sm",
      render: (expense) => {
        const company = expense.company_id ? companyNames.get(expense.company_id) : undefined;
        return (
          <>
            <Text size="sm">{expense.vendor ?? "—"}</Text>
            {expense.description || company ? (
              <Text size="xs" c="dimmed">
                {[expense.description, company].filter(Boolean).join(" · ")}
              </Text>
            ) : null}
          </>
        );
      },
    },
    {
      accessor: "amount",
      title: "Amount",
      textAlign: "right",
      render: (expense) => <Money value={expense.amount} currency={expense.currency} />,
    },
    { accessor: "status", title: "Status", render: (expense) => <StatusBadge status={expense.status} /> },
    {
      accessor: "actions",
      title: <VisuallyHidden>Actions</VisuallyHidden>,
      textAlign: "right",
      hidden: !canWrite,
      render: (expense) =>
        expense.status === "posted" ? (
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
        ) : null,
    },
  ];

  return (
    <Stack gap="sm">
      <DataTable
        label="Expenses"
        columns={columns}
        records={rows}
        idAccessor="id"
        query={expenses}
        noRecordsText="No expenses were recorded yet."
        csvHref={csvUrl("/api/v1/funds/{fund_id}/expenses", { fund_id: fund.id })}
        rowAttributes={() => ({ "data-testid": "expense-row" })}
        cardsBelow="sm"
        toolbar={
          <Group justify="space-between" style={{ flex: 1 }} gap="sm">
            <Title order={4}>Expenses</Title>
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
        }
      />
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
            onConfirm={() => cancelling && confirmCancel(cancelling)}
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
