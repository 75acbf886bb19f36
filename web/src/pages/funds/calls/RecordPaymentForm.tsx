import { Alert, Button, Group, Paper, Select, SimpleGrid, Stack, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { applyProblemToForm } from "../../../api/forms";
import { DateField } from "../shared/DateField";
import { formatMoney, isZero, parseAmount, todayIso } from "../shared/format";
import { newIdempotencyKey } from "../shared/upload";
import { useRecordCallPayment, type CallDetail, type PaymentCreate } from "./queries";

interface PaymentFormValues {
  allocation_id: string | null;
  amount: string;
  received_date: string | null;
  reference: string;
  method: NonNullable<PaymentCreate["method"]>;
}

/**
 * Record an LP's payment of its share of the call. Each submission carries a new
 * Idempotency-Key, so a request repeated by the network records the payment once.
 */
export function RecordPaymentForm({ call }: { call: CallDetail }) {
  const [message, setMessage] = useState<string | null>(null);
  const open = call.allocations.filter((allocation) => !isZero(allocation.outstanding));
  const form = useForm<PaymentFormValues>({
    mode: "controlled",
    initialValues: {
      allocation_id: null,
      amount: "",
      received_date: todayIso(),
      reference: "",
      method: "wire",
    },
    validate: {
      allocation_id: (value) => (value ? null : "Choose who paid."),
      amount: (value) => (parseAmount(value) ? null : "Enter the amount received."),
      received_date: (value) => (value ? null : "Enter the date received."),
    },
  });

  const record = useRecordCallPayment(call.id);
  const submit = (values: PaymentFormValues) => {
    const allocation = call.allocations.find((a) => a.id === values.allocation_id);
    const reference = values.reference.trim();
    const body: PaymentCreate = {
      investor_id: allocation?.investor_id ?? "",
      commitment_id: allocation?.commitment_id ?? null,
      amount: parseAmount(values.amount) ?? values.amount,
      received_date: values.received_date ?? "",
      method: values.method,
      ...(reference ? { reference } : {}),
    };
    record.mutate(
      { body, key: newIdempotencyKey() },
      {
        onSuccess: (payment) => {
          form.reset();
          notifications.show({
            message: `${formatMoney(payment.amount, payment.currency)} from ${payment.investor_name} is recorded.`,
            color: "teal",
          });
        },
        onError: (error) => setMessage(applyProblemToForm(form, error)),
      },
    );
  };

  const choose = (allocationId: string | null) => {
    const allocation = call.allocations.find((a) => a.id === allocationId);
    form.setValues({
      allocation_id: allocationId,
      amount: allocation ? allocation.outstanding : "",
      reference: allocation ? allocation.payment_reference : "",
    });
  };

  return (
    <Paper p="md">
      <Title order={4} mb="sm">
        Record a payment
      </Title>
      <form
        onSubmit={form.onSubmit((values) => {
          setMessage(null);
          submit(values);
        })}
        noValidate
        aria-label="Record a payment"
      >
        <Stack gap="sm">
          {message ? (
            <Alert color="red" role="alert" title="The payment could not be recorded">
              {message}
            </Alert>
          ) : null}
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <Select
              label="From"
              searchable
              data={open.map((allocation) => ({
                value: allocation.id,
                label: `${allocation.investor_name} (#${allocation.sequence}): ${formatMoney(allocation.outstanding, call.currency)} due`,
              }))}
              {...form.getInputProps("allocation_id")}
              onChange={choose}
            />
            <TextInput
              label={`Amount (${call.currency})`}
              inputMode="decimal"
              {...form.getInputProps("amount")}
            />
            <DateField label="Received" {...form.getInputProps("received_date")} />
            <TextInput label="Reference" {...form.getInputProps("reference")} />
            <Select
              label="Method"
              allowDeselect={false}
              data={[
                { value: "wire", label: "Wire" },
                { value: "ach", label: "ACH" },
                { value: "check", label: "Check" },
                { value: "other", label: "Other" },
              ]}
              {...form.getInputProps("method")}
            />
          </SimpleGrid>
          <Group justify="flex-end">
            <Button type="submit" loading={record.isPending}>
              Record payment
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
