import { Alert, Button, Checkbox, Group, Modal, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { applyProblemToForm } from "../../../api/forms";
import { ApiError } from "../../../api/problem";
import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { formatDate } from "../../../components/formatting";
import { DateField } from "../shared/DateField";
import { formatMoney, formatPercent } from "../shared/format";
import { KpiCard } from "../shared/KpiCard";
import { Money } from "../shared/Money";
import { newIdempotencyKey } from "../shared/upload";
import { basisLabel } from "./fees";
import { useBillFeeRun, usePreviewFeeRun, type FeeRunCreate, type FeeRunDetail } from "./queries";

interface BillPeriodValues {
  period_start: string | null;
  call: boolean;
  call_date: string | null;
  due_date: string | null;
}

function toBody(values: BillPeriodValues): FeeRunCreate {
  return {
    period_start: values.period_start ?? "",
    preview: false,
    call: values.call,
    ...(values.call && values.call_date ? { call_date: values.call_date } : {}),
    ...(values.call && values.due_date ? { due_date: values.due_date } : {}),
  };
}

type FeePeriod = FeeRunDetail["periods"][number];
type Installment = FeeRunDetail["installments"][number];

function periodColumns(cur: string): DataTableColumn<FeePeriod>[] {
  return [
    { accessor: "first_day", title: "From", noWrap: true, render: (period) => formatDate(period.first_day) },
    { accessor: "last_day", title: "To", noWrap: true, render: (period) => formatDate(period.last_day) },
    {
      accessor: "days",
      title: "Days",
      noWrap: true,
      textAlign: "right",
      visibleFrom: "sm",
      render: (period) => (period.is_full_quarter ? "Full quarter" : period.days),
    },
    {
      accessor: "basis",
      title: "Basis",
      visibleFrom: "sm",
      render: (period) => basisLabel(period.basis),
    },
    {
      accessor: "base",
      title: "Base",
      textAlign: "right",
      render: (period) => <Money value={period.base} currency={cur} />,
    },
    {
      accessor: "rate",
      title: "Annual rate",
      textAlign: "right",
      visibleFrom: "sm",
      render: (period) => formatPercent(period.rate),
    },
  ];
}

function installmentColumns(preview: FeeRunDetail): DataTableColumn<Installment>[] {
  const cur = preview.currency;
  return [
    { accessor: "investor_name", title: "Investor", footer: "Total" },
    {
      accessor: "base_amount",
      title: "Base",
      textAlign: "right",
      visibleFrom: "sm",
      render: (line) => <Money value={line.base_amount} currency={cur} />,
      footer: null,
    },
    {
      accessor: "days",
      title: "Days",
      noWrap: true,
      textAlign: "right",
      visibleFrom: "sm",
      render: (line) => line.days ?? "Full quarter",
      footer: null,
    },
    {
      accessor: "gross_amount",
      title: "Gross",
      textAlign: "right",
      visibleFrom: "sm",
      render: (line) => <Money value={line.gross_amount} currency={cur} />,
      footer: <Money value={preview.gross_amount} currency={cur} fw={600} />,
    },
    {
      accessor: "offset_amount",
      title: "Offset",
      textAlign: "right",
      visibleFrom: "sm",
      render: (line) => <Money value={line.offset_amount} currency={cur} />,
      footer: <Money value={preview.offset_amount} currency={cur} fw={600} />,
    },
    {
      accessor: "amount",
      title: "Net",
      textAlign: "right",
      render: (line) => <Money value={line.amount} currency={cur} fw={600} />,
      footer: <Money value={preview.total_amount} currency={cur} fw={600} />,
    },
  ];
}

/** The installment the API computed: its periods, each LP's share and the totals. Nothing is saved. */
export function FeePreview({ preview }: { preview: FeeRunDetail }) {
  const cur = preview.currency;
  return (
    <Stack gap="sm" aria-label="Fee preview">
      <Text size="sm">
        The installment due {formatDate(preview.due_date)} covers {formatDate(preview.period_start)} to{" "}
        {formatDate(preview.period_end)}. Nothing is saved yet.
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <KpiCard label="Gross fee" value={formatMoney(preview.gross_amount, cur)} />
        <KpiCard label="Transaction fee offset" value={formatMoney(preview.offset_amount, cur)} />
        <KpiCard label="Net fee billed" value={formatMoney(preview.total_amount, cur)} />
      </SimpleGrid>
      <Title order={5}>Periods</Title>
      <DataTable
        label="Fee periods"
        columns={periodColumns(cur)}
        records={preview.periods}
        idAccessor="first_day"
        rowAttributes={() => ({ "data-testid": "fee-period-row" })}
      />
      <Title order={5}>Each LP&apos;s installment</Title>
      <DataTable
        label="Installments by LP"
        columns={installmentColumns(preview)}
        records={preview.installments}
        idAccessor="commitment_id"
        rowAttributes={() => ({ "data-testid": "installment-row" })}
        footerAttributes={{ "data-testid": "installment-total" }}
      />
    </Stack>
  );
}

interface BillPeriodFormProps {
  fundId: string;
  /** The period start the form offers: the next period not billed yet. */
  defaultPeriodStart: string | null;
  onDone: () => void;
}

/**
 * Bill a management fee installment in two steps: the API previews it (nothing saved), then
 * the fee run is posted, with a draft capital call for the fees when asked. Changing the
 * period start drops the preview, so what is posted is what was seen. The posting carries a
 * new Idempotency-Key, so a request repeated by the network bills once.
 */
export function BillPeriodForm({ fundId, defaultPeriodStart, onDone }: BillPeriodFormProps) {
  const [message, setMessage] = useState<string | null>(null);
  const [preview, setPreview] = useState<FeeRunDetail | null>(null);
  const form = useForm<BillPeriodValues>({
    mode: "controlled",
    initialValues: { period_start: defaultPeriodStart, call: false, call_date: null, due_date: null },
    validate: {
      period_start: (value) => (value ? null : "Enter the first day of the period to bill."),
      due_date: (value, values) =>
        values.call && value && values.call_date && value < values.call_date
          ? "The due date cannot be before the call date."
          : null,
    },
    onValuesChange: (values, previous) => {
      if (values.period_start !== previous.period_start) setPreview(null);
    },
  });

  const computePreview = usePreviewFeeRun(fundId);
  const post = useBillFeeRun(fundId);
  const onError = (error: Error) => setMessage(applyProblemToForm(form, error));

  function requestPreview(values: BillPeriodValues) {
    computePreview.mutate(values.period_start ?? "", {
      onSuccess: (result) => {
        if (form.getValues().period_start === values.period_start) setPreview(result);
      },
      onError,
    });
  }

  function bill(values: BillPeriodValues) {
    post.mutate(
      { body: toBody(values), key: newIdempotencyKey() },
      {
        onSuccess: (run) => {
          const period = `${formatDate(run.period_start)} to ${formatDate(run.period_end)}`;
          notifications.show({
            message: run.capital_call_id
              ? `The fees of ${period} are billed: ${formatMoney(run.total_amount, run.currency)}. A capital call for them is drafted.`
              : `The fees of ${period} are billed: ${formatMoney(run.total_amount, run.currency)}.`,
            color: "teal",
          });
          onDone();
        },
        onError: (error) => {
          onError(error);
          if (error instanceof ApiError && error.status === 409) setPreview(null);
        },
      },
    );
  }

  const values = form.getValues();
  return (
    <form
      onSubmit={form.onSubmit((submitted) => {
        setMessage(null);
        if (preview) bill(submitted);
        else requestPreview(submitted);
      })}
      noValidate
      aria-label="Bill a period"
    >
      <Stack gap="sm">
        <Text size="sm">
          The fee is billed in advance for each quarter (the first installment from the initial close). Bill
          the initial close date or the first day of a quarter; transaction fees the manager received offset
          the next installment.
        </Text>
        {message ? (
          <Alert color="red" role="alert" title="The fees could not be billed">
            {message}
          </Alert>
        ) : null}
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <DateField label="Period start" withAsterisk {...form.getInputProps("period_start")} />
        </SimpleGrid>
        <Checkbox
          label="Also draft a capital call for the fees"
          {...form.getInputProps("call", { type: "checkbox" })}
        />
        {values.call ? (
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <DateField
              label="Call date"
              description="The period start when empty"
              clearable
              {...form.getInputProps("call_date")}
            />
            <DateField
              label="Due date"
              description="The call date when empty"
              clearable
              {...form.getInputProps("due_date")}
            />
          </SimpleGrid>
        ) : null}
        {preview ? <FeePreview preview={preview} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={post.isPending}>
            Close
          </Button>
          {preview ? (
            <Button type="submit" loading={post.isPending}>
              Bill the period
            </Button>
          ) : (
            <Button type="submit" loading={computePreview.isPending}>
              Preview
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}

interface BillPeriodModalProps {
  fundId: string;
  opened: boolean;
  defaultPeriodStart: string | null;
  /** Bumped at each opening, so the form starts afresh. */
  session: number;
  onClose: () => void;
}

/** The billing form in a wide dialog, started afresh each time it opens. */
export function BillPeriodModal({
  fundId,
  opened,
  defaultPeriodStart,
  session,
  onClose,
}: BillPeriodModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title="Bill a period" size="xl">
      <BillPeriodForm
        key={session}
        fundId={fundId}
        defaultPeriodStart={defaultPeriodStart}
        onDone={onClose}
      />
    </Modal>
  );
}
