import {
  Alert,
  Autocomplete,
  Button,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { applyProblemToForm } from "../../../api/forms";
import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { formatDate, humanize } from "../../../components/formatting";
import { DateField } from "../shared/DateField";
import { formatMoney, parseAmount, todayIso } from "../shared/format";
import { Money } from "../shared/Money";
import { newIdempotencyKey } from "../shared/upload";
import type { CompanyOption } from "../shared/queries";
import { useRecordExpense, type ExpenseCreate, type ExpenseDetail } from "./queries";

interface ExpenseValues {
  expense_date: string | null;
  amount: string;
  category: string;
  vendor: string;
  description: string;
  company_id: string | null;
}

type ExpenseShare = ExpenseDetail["allocations"][number];

function allocationColumns(expense: ExpenseDetail): DataTableColumn<ExpenseShare>[] {
  return [
    { accessor: "investor_name", title: "Partner", footer: "Total" },
    {
      accessor: "amount",
      title: "Share",
      textAlign: "right",
      render: (share) => <Money value={share.amount} currency={expense.currency} />,
      footer: <Money value={expense.amount} currency={expense.currency} fw={600} />,
    },
  ];
}

function toBody(values: ExpenseValues): ExpenseCreate {
  const vendor = values.vendor.trim();
  const description = values.description.trim();
  return {
    expense_date: values.expense_date ?? "",
    amount: parseAmount(values.amount) ?? values.amount,
    category: values.category.trim(),
    ...(vendor ? { vendor } : {}),
    ...(description ? { description } : {}),
    ...(values.company_id ? { company_id: values.company_id } : {}),
  };
}

/** How a recorded expense was charged: each partner's share, pro rata to commitments. */
export function ExpenseAllocation({ expense }: { expense: ExpenseDetail }) {
  const cur = expense.currency;
  return (
    <Stack gap="sm">
      <Text size="sm">
        The expense of {formatMoney(expense.amount, cur)} ({humanize(expense.category)},{" "}
        {formatDate(expense.expense_date)}) is charged to the partners pro rata to their commitments:
      </Text>
      <DataTable
        label="Expense allocation"
        columns={allocationColumns(expense)}
        records={expense.allocations}
        idAccessor="commitment_id"
        rowAttributes={() => ({ "data-testid": "expense-allocation-row" })}
      />
    </Stack>
  );
}

interface RecordExpenseFormProps {
  fundId: string;
  currency: string;
  /** Categories offered as the person types (any other may be typed). */
  categories: string[];
  /** The fund's portfolio companies; null when the person may not read the portfolio. */
  companies: CompanyOption[] | null;
  onRecorded: (expense: ExpenseDetail) => void;
  onClose: () => void;
}

/**
 * Record a fund expense, charged to the partners pro rata to commitments. Each submission
 * carries a new Idempotency-Key, so a request repeated by the network records it once.
 */
export function RecordExpenseForm({
  fundId,
  currency,
  categories,
  companies,
  onRecorded,
  onClose,
}: RecordExpenseFormProps) {
  const [message, setMessage] = useState<string | null>(null);
  const form = useForm<ExpenseValues>({
    mode: "controlled",
    initialValues: {
      expense_date: todayIso(),
      amount: "",
      category: "",
      vendor: "",
      description: "",
      company_id: null,
    },
    validate: {
      expense_date: (value) => (value ? null : "Enter the date of the expense."),
      amount: (value) => (parseAmount(value) ? null : "Enter the amount of the expense."),
      category: (value) => (value.trim() ? null : "Enter a category, e.g. audit or legal."),
    },
  });

  const record = useRecordExpense(fundId);
  const submit = (values: ExpenseValues) =>
    record.mutate(
      { body: toBody(values), key: newIdempotencyKey() },
      {
        onSuccess: (expense) => {
          notifications.show({
            message: `The expense of ${formatMoney(expense.amount, expense.currency)} is recorded and charged to ${expense.allocations.length} partners.`,
            color: "teal",
          });
          onRecorded(expense);
        },
        onError: (error) => setMessage(applyProblemToForm(form, error)),
      },
    );

  return (
    <form
      onSubmit={form.onSubmit((values) => {
        setMessage(null);
        submit(values);
      })}
      noValidate
      aria-label="Record expense"
    >
      <Stack gap="sm">
        {message ? (
          <Alert color="red" role="alert" title="The expense could not be recorded">
            {message}
          </Alert>
        ) : null}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <DateField label="Date" withAsterisk {...form.getInputProps("expense_date")} />
          <TextInput
            label={`Amount (${currency})`}
            inputMode="decimal"
            withAsterisk
            data-autofocus
            {...form.getInputProps("amount")}
          />
          <Autocomplete label="Category" withAsterisk data={categories} {...form.getInputProps("category")} />
          <TextInput label="Vendor" {...form.getInputProps("vendor")} />
          {companies ? (
            <Select
              label="Portfolio company"
              description="The deal it belongs to, if any"
              placeholder="None"
              clearable
              searchable
              data={companies}
              {...form.getInputProps("company_id")}
            />
          ) : null}
        </SimpleGrid>
        <Textarea label="Description" autosize minRows={2} {...form.getInputProps("description")} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={record.isPending}>
            Close
          </Button>
          <Button type="submit" loading={record.isPending}>
            Record expense
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface RecordExpenseModalProps {
  fundId: string;
  currency: string;
  categories: string[];
  companies: CompanyOption[] | null;
  opened: boolean;
  /** Bumped at each opening, so the form starts afresh. */
  session: number;
  onClose: () => void;
}

/** The expense form in a dialog; once recorded, the dialog shows each partner's share of it. */
export function RecordExpenseModal({
  fundId,
  currency,
  categories,
  companies,
  opened,
  session,
  onClose,
}: RecordExpenseModalProps) {
  const [recorded, setRecorded] = useState<{ session: number; expense: ExpenseDetail } | null>(null);
  const shown = recorded?.session === session ? recorded.expense : null;
  return (
    <Modal opened={opened} onClose={onClose} title={shown ? "Expense recorded" : "Record expense"} size="lg">
      {shown ? (
        <Stack gap="md">
          <ExpenseAllocation expense={shown} />
          <Group justify="flex-end">
            <Button onClick={onClose} data-autofocus>
              Done
            </Button>
          </Group>
        </Stack>
      ) : (
        <RecordExpenseForm
          key={session}
          fundId={fundId}
          currency={currency}
          categories={categories}
          companies={companies}
          onRecorded={(expense) => setRecorded({ session, expense })}
          onClose={onClose}
        />
      )}
    </Modal>
  );
}
