import { Alert, Button, Checkbox, Group, Modal, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap } from "../../../api/client";
import { applyProblemToForm } from "../../../api/forms";
import { ApiError } from "../../../api/problem";
import { TableCard } from "../../../components/TableCard";
import { formatDate } from "../../../components/formatting";
import { DateField } from "../shared/DateField";
import { formatMoney, formatPercent } from "../shared/format";
import { KpiCard } from "../shared/KpiCard";
import { Money } from "../shared/Money";
import { newIdempotencyKey } from "../shared/upload";
import { basisLabel, refreshFund, type FeeRunCreate, type FeeRunDetail } from "./fees";

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
      <TableCard minWidth={640}>
        <Table horizontalSpacing="md" verticalSpacing="xs" aria-label="Fee periods">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>From</Table.Th>
              <Table.Th>To</Table.Th>
              <Table.Th ta="right">Days</Table.Th>
              <Table.Th>Basis</Table.Th>
              <Table.Th ta="right">Base</Table.Th>
              <Table.Th ta="right">Annual rate</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.periods.map((period) => (
              <Table.Tr key={period.first_day} data-testid="fee-period-row">
                <Table.Td>{formatDate(period.first_day)}</Table.Td>
                <Table.Td>{formatDate(period.last_day)}</Table.Td>
                <Table.Td ta="right">{period.is_full_quarter ? "Full quarter" : period.days}</Table.Td>
                <Table.Td>{basisLabel(period.basis)}</Table.Td>
                <Table.Td ta="right">
                  <Money value={period.base} currency={cur} />
                </Table.Td>
                <Table.Td ta="right">{formatPercent(period.rate)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableCard>
      <Title order={5}>Each LP&apos;s installment</Title>
      <TableCard minWidth={640}>
        <Table horizontalSpacing="md" verticalSpacing="xs" aria-label="Installments by LP">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Investor</Table.Th>
              <Table.Th ta="right">Base</Table.Th>
              <Table.Th ta="right">Days</Table.Th>
              <Table.Th ta="right">Gross</Table.Th>
              <Table.Th ta="right">Offset</Table.Th>
              <Table.Th ta="right">Net</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.installments.map((line) => (
              <Table.Tr key={line.commitment_id} data-testid="installment-row">
                <Table.Td>{line.investor_name}</Table.Td>
                <Table.Td ta="right">
                  <Money value={line.base_amount} currency={cur} />
                </Table.Td>
                <Table.Td ta="right">{line.days ?? "Full quarter"}</Table.Td>
                <Table.Td ta="right">
                  <Money value={line.gross_amount} currency={cur} />
                </Table.Td>
                <Table.Td ta="right">
                  <Money value={line.offset_amount} currency={cur} />
                </Table.Td>
                <Table.Td ta="right">
                  <Money value={line.amount} currency={cur} fw={600} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            <Table.Tr data-testid="installment-total">
              <Table.Th>Total</Table.Th>
              <Table.Td />
              <Table.Td />
              <Table.Td ta="right">
                <Money value={preview.gross_amount} currency={cur} fw={600} />
              </Table.Td>
              <Table.Td ta="right">
                <Money value={preview.offset_amount} currency={cur} fw={600} />
              </Table.Td>
              <Table.Td ta="right">
                <Money value={preview.total_amount} currency={cur} fw={600} />
              </Table.Td>
            </Table.Tr>
          </Table.Tfoot>
        </Table>
      </TableCard>
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
  const queryClient = useQueryClient();
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

  const computePreview = useMutation({
    mutationFn: (values: BillPeriodValues) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/fee-runs", {
          params: { path: { fund_id: fundId } },
          body: { period_start: values.period_start ?? "", preview: true, call: false },
        }),
      ),
    onSuccess: (result, values) => {
      if (form.getValues().period_start === values.period_start) setPreview(result);
    },
    onError: (error) => setMessage(applyProblemToForm(form, error)),
  });

  const post = useMutation({
    mutationFn: ({ values, key }: { values: BillPeriodValues; key: string }) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/fee-runs", {
          params: { path: { fund_id: fundId }, header: { "Idempotency-Key": key } },
          body: toBody(values),
        }),
      ),
    onSuccess: async (run) => {
      const period = `${formatDate(run.period_start)} to ${formatDate(run.period_end)}`;
      notifications.show({
        message: run.capital_call_id
          ? `The fees of ${period} are billed: ${formatMoney(run.total_amount, run.currency)}. A capital call for them is drafted.`
          : `The fees of ${period} are billed: ${formatMoney(run.total_amount, run.currency)}.`,
        color: "teal",
      });
      onDone();
      await refreshFund(queryClient, fundId, run.capital_call_id !== null);
    },
    onError: (error) => {
      setMessage(applyProblemToForm(form, error));
      if (error instanceof ApiError && error.status === 409) setPreview(null);
    },
  });

  const values = form.getValues();
  return (
    <form
      onSubmit={form.onSubmit((submitted) => {
        setMessage(null);
        if (preview) post.mutate({ values: submitted, key: newIdempotencyKey() });
        else computePreview.mutate(submitted);
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
