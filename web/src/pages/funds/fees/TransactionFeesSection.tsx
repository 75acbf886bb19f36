import {
  Alert,
  Button,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { IconPlus } from "@tabler/icons-react";
import { useState } from "react";

import { applyProblemToForm } from "../../../api/forms";
import { ApiError } from "../../../api/problem";
import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { formatDate } from "../../../components/formatting";
import { DateField } from "../shared/DateField";
import { formatMoney, parseAmount, sumAmounts, todayIso } from "../shared/format";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { StatusBadge } from "../shared/StatusBadge";
import type { CompanyOption, Fund } from "../shared/queries";
import {
  useCancelTransactionFee,
  useRecordTransactionFee,
  useTransactionFees,
  type TransactionFee,
  type TransactionFeeCreate,
} from "./queries";

interface TransactionFeeValues {
  received_date: string | null;
  amount: string;
  company_id: string | null;
  description: string;
}

function toBody(values: TransactionFeeValues): TransactionFeeCreate {
  const description = values.description.trim();
  return {
    received_date: values.received_date ?? "",
    amount: parseAmount(values.amount) ?? values.amount,
    ...(values.company_id ? { company_id: values.company_id } : {}),
    ...(description ? { description } : {}),
  };
}

interface TransactionFeeFormProps {
  fundId: string;
  currency: string;
  /** The fund's portfolio companies; null when the person may not read the portfolio. */
  companies: CompanyOption[] | null;
  onDone: () => void;
}

/**
 * Record a transaction (deal, monitoring, director) fee the manager received from a portfolio
 * company. The fund's books do not change; the next management fee installment is offset by it.
 */
export function TransactionFeeForm({ fundId, currency, companies, onDone }: TransactionFeeFormProps) {
  const [message, setMessage] = useState<string | null>(null);
  const form = useForm<TransactionFeeValues>({
    mode: "controlled",
    initialValues: { received_date: todayIso(), amount: "", company_id: null, description: "" },
    validate: {
      received_date: (value) => (value ? null : "Enter the date the manager received it."),
      amount: (value) => (parseAmount(value) ? null : "Enter the amount received."),
      company_id: (value) => (companies === null || value ? null : "Choose the company that paid it."),
    },
  });

  const record = useRecordTransactionFee(fundId);
  const submit = (values: TransactionFeeValues) =>
    record.mutate(toBody(values), {
      onSuccess: (fee) => {
        notifications.show({
          message: `The transaction fee of ${formatMoney(fee.amount, fee.currency)} is recorded; it offsets the next management fee installment.`,
          color: "teal",
        });
        onDone();
      },
      onError: (error) => setMessage(applyProblemToForm(form, error)),
    });

  const noCompany = companies !== null && companies.length === 0;
  return (
    <form
      onSubmit={form.onSubmit((values) => {
        setMessage(null);
        submit(values);
      })}
      noValidate
      aria-label="Record transaction fee"
    >
      <Stack gap="sm">
        {message ? (
          <Alert color="red" role="alert" title="The transaction fee could not be recorded">
            {message}
          </Alert>
        ) : null}
        {noCompany ? (
          <Alert color="yellow" title="No portfolio company yet">
            A transaction fee is paid by a portfolio company: add the company in the Portfolio tab first.
          </Alert>
        ) : null}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <DateField label="Received on" withAsterisk {...form.getInputProps("received_date")} />
          <TextInput
            label={`Amount (${currency})`}
            inputMode="decimal"
            withAsterisk
            data-autofocus
            {...form.getInputProps("amount")}
          />
          {companies ? (
            <Select
              label="Portfolio company"
              withAsterisk
              searchable
              data={companies}
              {...form.getInputProps("company_id")}
            />
          ) : null}
        </SimpleGrid>
        <Textarea
          label="Description"
          placeholder="e.g. Board fee, deal closing fee"
          autosize
          minRows={2}
          {...form.getInputProps("description")}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={record.isPending}>
            Close
          </Button>
          <Button type="submit" loading={record.isPending} disabled={noCompany}>
            Record transaction fee
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface CancelTransactionFeeFormProps {
  fee: TransactionFee;
  fundId: string;
  companyName: string | null;
  onDone: () => void;
}

/**
 * Cancel a transaction fee recorded by mistake, saying why. The fee is kept, marked cancelled,
 * and offsets no later installment; while a posted fee run was reduced by it the API refuses
 * (a 409 naming the period) and the form says so.
 */
function CancelTransactionFeeForm({ fee, fundId, companyName, onDone }: CancelTransactionFeeFormProps) {
  const [message, setMessage] = useState<string | null>(null);
  const [refused, setRefused] = useState(false);
  const form = useForm<{ reason: string }>({
    mode: "controlled",
    initialValues: { reason: "" },
    validate: { reason: (value) => (value.trim() ? null : "Say why the fee is cancelled.") },
  });
  const cancel = useCancelTransactionFee(fundId);
  const submit = (values: { reason: string }) =>
    cancel.mutate(
      { fee, body: { reason: values.reason.trim() } },
      {
        onSuccess: (cancelled) => {
          notifications.show({
            message: `The transaction fee of ${formatMoney(cancelled.amount, cancelled.currency)} is cancelled; it offsets no later management fee.`,
            color: "teal",
          });
          onDone();
        },
        onError: (error) => {
          setRefused(error instanceof ApiError && error.status === 409);
          setMessage(applyProblemToForm(form, error));
        },
      },
    );
  return (
    <form
      onSubmit={form.onSubmit((values) => {
        setMessage(null);
        submit(values);
      })}
      noValidate
      aria-label="Cancel the transaction fee"
    >
      <Stack gap="sm">
        <Text size="sm">
          The fee of {formatMoney(fee.amount, fee.currency)}
          {companyName ? ` from ${companyName}` : ""} received on {formatDate(fee.received_date)} will be
          cancelled. It stays listed as cancelled and no longer offsets management fees.
        </Text>
        {message ? (
          <Alert
            color={refused ? "orange" : "red"}
            role="alert"
            title="The transaction fee could not be cancelled"
          >
            {message}
          </Alert>
        ) : null}
        <Textarea
          label="Reason"
          withAsterisk
          autosize
          minRows={2}
          placeholder="e.g. Recorded twice, refunded to the company"
          data-autofocus
          {...form.getInputProps("reason")}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={cancel.isPending}>
            Keep it
          </Button>
          <Button type="submit" color="red" loading={cancel.isPending}>
            Cancel fee
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface TransactionFeesSectionProps {
  fund: Fund;
  canWrite: boolean;
  companies: CompanyOption[] | null;
}

/**
 * The transaction fees the manager received from the fund's companies, with their CSV export;
 * each offsets the next management fee installment. The holders of fee:write record one.
 */
export function TransactionFeesSection({ fund, canWrite, companies }: TransactionFeesSectionProps) {
  const fees = useTransactionFees(fund.id);
  const rows = fees.rows;
  const [recording, setRecording] = useState(false);
  const [session, setSession] = useState(0);
  /** The fee being cancelled, kept while the dialog closes so its text does not vanish mid-transition. */
  const [cancelling, setCancelling] = useState<TransactionFee | null>(null);
  const [confirming, setConfirming] = useState(false);
  const companyNames = new Map((companies ?? []).map((company) => [company.value, company.label]));
  // What offsets management fees: every fee not cancelled, once the whole list is loaded.
  const recorded = (rows ?? []).filter((fee) => fee.status === "recorded");
  const total =
    rows && rows.length > 1 && !fees.hasNextPage ? sumAmounts(recorded.map((fee) => fee.amount)) : null;
  const columns: DataTableColumn<TransactionFee>[] = [
    {
      accessor: "received_date",
      title: "Received",
      noWrap: true,
      render: (fee) => formatDate(fee.received_date),
      footer: total === null ? undefined : "Total not cancelled",
    },
    {
      accessor: "company_id",
      title: "Company",
      render: (fee) => (fee.company_id && companyNames.get(fee.company_id)) ?? "—",
    },
    { accessor: "description", title: "Description", visibleFrom: "sm" },
    {
      accessor: "amount",
      title: "Amount",
      textAlign: "right",
      render: (fee) => <Money value={fee.amount} currency={fee.currency} />,
      footer: total === null ? undefined : <Money value={total} currency={fund.currency} />,
    },
    {
      accessor: "status",
      title: "Status",
      render: (fee) => <StatusBadge status={fee.status} />,
    },
    {
      accessor: "actions",
      title: <VisuallyHidden>Actions</VisuallyHidden>,
      textAlign: "right",
      hidden: !canWrite,
      render: (fee) =>
        fee.status === "recorded" ? (
          <Button
            size="xs"
            variant="subtle"
            color="red"
            aria-label={`Cancel the transaction fee of ${formatMoney(fee.amount, fee.currency)} received on ${formatDate(fee.received_date)}`}
            onClick={() => {
              setSession((current) => current + 1);
              setCancelling(fee);
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
        label="Transaction fees"
        columns={columns}
        records={rows}
        idAccessor="id"
        query={fees}
        noRecordsText="No transaction fees were received yet."
        csvHref={csvUrl("/api/v1/funds/{fund_id}/transaction-fees", { fund_id: fund.id })}
        rowAttributes={() => ({ "data-testid": "transaction-fee-row" })}
        cardsBelow="sm"
        toolbar={
          <Group justify="space-between" style={{ flex: 1 }} gap="sm">
            <Title order={4}>Transaction fees</Title>
            {canWrite ? (
              <Button
                leftSection={<IconPlus size={16} />}
                onClick={() => {
                  setSession((current) => current + 1);
                  setRecording(true);
                }}
              >
                Record transaction fee
              </Button>
            ) : null}
          </Group>
        }
      />
      {canWrite ? (
        <Modal opened={recording} onClose={() => setRecording(false)} title="Record transaction fee">
          <TransactionFeeForm
            key={session}
            fundId={fund.id}
            currency={fund.currency}
            companies={companies}
            onDone={() => setRecording(false)}
          />
        </Modal>
      ) : null}
      {canWrite ? (
        <Modal
          opened={confirming && cancelling !== null}
          onClose={() => setConfirming(false)}
          title="Cancel the transaction fee"
        >
          {cancelling ? (
            <CancelTransactionFeeForm
              key={session}
              fee={cancelling}
              fundId={fund.id}
              companyName={(cancelling.company_id && companyNames.get(cancelling.company_id)) || null}
              onDone={() => setConfirming(false)}
            />
          ) : null}
        </Modal>
      ) : null}
    </Stack>
  );
}
