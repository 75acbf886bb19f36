import { Alert, Button, Group, Modal, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { applyProblemToForm } from "../../../api/forms";
import { DateField } from "../shared/DateField";
import { formatMoney, parseAmount, todayIso } from "../shared/format";
import { newIdempotencyKey } from "../shared/upload";
import type { PayTarget } from "./payables";
import { usePayDisbursement, type DisbursementCreate, type DisbursementKind } from "./queries";

interface DisbursementFormValues {
  paid_date: string | null;
  amount: string;
  payee: string;
  reference: string;
}

const TITLES: Record<DisbursementKind, string> = {
  management_fee: "Pay management fees",
  expense: "Pay an expense",
  withholding_tax: "Remit withheld tax",
};

interface DisbursementFormProps {
  fundId: string;
  currency: string;
  /** The fund's cash on hand today, said beside the amount. */
  cash: string;
  target: PayTarget;
  onDone: () => void;
}

/**
 * Pay a payable out of the fund's cash: management fees, an expense (its vendor by default) or
 * a distribution's withholding (all of it, to the tax authority). Each submission carries a new
 * Idempotency-Key, so a request repeated by the network pays once.
 */
export function DisbursementForm({ fundId, currency, cash, target, onDone }: DisbursementFormProps) {
  const [message, setMessage] = useState<string | null>(null);
  const payeeOptional = target.kind === "expense";
  const form = useForm<DisbursementFormValues>({
    mode: "controlled",
    initialValues: { paid_date: todayIso(), amount: target.outstanding, payee: "", reference: "" },
    validate: {
      paid_date: (value) => (value ? null : "Enter the date paid."),
      amount: (value) => (parseAmount(value) ? null : "Enter the amount to pay."),
      payee: (value) => (payeeOptional || value.trim() ? null : "Name who is paid."),
    },
  });

  const pay = usePayDisbursement(fundId);
  const submit = (values: DisbursementFormValues) => {
    const payee = values.payee.trim();
    const reference = values.reference.trim();
    const body: DisbursementCreate = {
      kind: target.kind,
      paid_date: values.paid_date ?? "",
      amount: parseAmount(values.amount) ?? values.amount,
      ...(payee ? { payee } : {}),
      ...(reference ? { reference } : {}),
      ...(target.expenseId ? { expense_id: target.expenseId } : {}),
      ...(target.distributionId ? { distribution_id: target.distributionId } : {}),
    };
    pay.mutate(
      { body, key: newIdempotencyKey() },
      {
        onSuccess: (disbursement) => {
          notifications.show({
            message: `${formatMoney(disbursement.amount, disbursement.currency)} is paid to ${disbursement.payee}.`,
            color: "teal",
          });
          onDone();
        },
        onError: (error) => setMessage(applyProblemToForm(form, error)),
      },
    );
  };

  return (
    <form
      onSubmit={form.onSubmit((values) => {
        setMessage(null);
        submit(values);
      })}
      noValidate
      aria-label={TITLES[target.kind]}
    >
      <Stack gap="sm">
        <Text size="sm">
          {target.description}: {formatMoney(target.outstanding, currency)} to pay. The fund holds{" "}
          {formatMoney(cash, currency)} in cash today.
        </Text>
        {message ? (
          <Alert color="red" role="alert" title="The payment could not be made">
            {message}
          </Alert>
        ) : null}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <DateField label="Paid on" {...form.getInputProps("paid_date")} />
          <TextInput
            label={`Amount (${currency})`}
            inputMode="decimal"
            readOnly={target.kind === "withholding_tax"}
            description={target.kind === "withholding_tax" ? "The whole withholding is remitted." : undefined}
            {...form.getInputProps("amount")}
          />
          <TextInput
            label="Payee"
            placeholder={payeeOptional ? "The expense's vendor" : undefined}
            withAsterisk={!payeeOptional}
            {...form.getInputProps("payee")}
          />
          <TextInput label="Reference" {...form.getInputProps("reference")} />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={pay.isPending}>
            Close
          </Button>
          <Button type="submit" loading={pay.isPending}>
            Record payment
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface DisbursementModalProps {
  fundId: string;
  currency: string;
  cash: string;
  opened: boolean;
  /** What to pay, kept while the dialog closes so its content does not vanish mid-transition. */
  target: PayTarget | null;
  onClose: () => void;
}

/** The payment form in a dialog, started afresh each time it opens. */
export function DisbursementModal({
  fundId,
  currency,
  cash,
  opened,
  target,
  onClose,
}: DisbursementModalProps) {
  return (
    <Modal
      opened={opened && target !== null}
      onClose={onClose}
      title={target ? TITLES[target.kind] : ""}
      size="lg"
    >
      {target ? (
        <DisbursementForm
          key={`${target.kind}-${target.expenseId ?? target.distributionId ?? "fees"}`}
          fundId={fundId}
          currency={currency}
          cash={cash}
          target={target}
          onDone={onClose}
        />
      ) : null}
    </Modal>
  );
}
