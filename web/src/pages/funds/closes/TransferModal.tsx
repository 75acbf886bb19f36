import {
  Alert,
  Anchor,
  Button,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { Link } from "react-router";

import { applyProblemToForm } from "../../../api/forms";
import { ApiError } from "../../../api/problem";
import { DateField } from "../shared/DateField";
import { formatMoney, parseAmount, todayIso } from "../shared/format";
import { useTransferInterest, type Commitment, type TransferCreate } from "./queries";

/** An investor as a picker offers it. */
export interface InvestorOption {
  value: string;
  label: string;
}

interface TransferValues {
  from_commitment_id: string | null;
  to_investor_id: string | null;
  amount: string;
  transfer_date: string | null;
}

function toBody(values: TransferValues): TransferCreate {
  return {
    from_commitment_id: values.from_commitment_id ?? "",
    to_investor_id: values.to_investor_id ?? "",
    amount: parseAmount(values.amount) ?? values.amount,
    transfer_date: values.transfer_date ?? "",
  };
}

/** `#2 · Birch Pension Plan · $4,000,000.00`: a commitment as the picker lists it. */
function commitmentLabel(commitment: Commitment): string {
  return `#${commitment.sequence} · ${commitment.investor_name} · ${formatMoney(commitment.amount, commitment.currency)}`;
}

interface TransferFormProps {
  fundId: string;
  currency: string;
  /** The commitments that may be transferred: active, with something left. */
  commitments: readonly Commitment[];
  /** Every investor of the organization; undefined while they load. */
  investors: readonly InvestorOption[] | undefined;
  onDone: () => void;
}

/**
 * Transfer all or part of an LP's commitment to another investor. The transferee gets a new
 * commitment of the amount at the transferor's close; the called capital and the recallable
 * amounts move pro rata, with the same share of the transferor's capital account. The API
 * refuses while the transferor has calls or distributions not settled.
 */
export function TransferForm({ fundId, currency, commitments, investors, onDone }: TransferFormProps) {
  const [message, setMessage] = useState<{ text: string; conflict: boolean } | null>(null);
  const form = useForm<TransferValues>({
    mode: "controlled",
    initialValues: { from_commitment_id: null, to_investor_id: null, amount: "", transfer_date: todayIso() },
    validate: {
      from_commitment_id: (value) => (value ? null : "Choose the commitment transferred."),
      to_investor_id: (value) => (value ? null : "Choose the investor who receives it."),
      amount: (value) => (parseAmount(value) ? null : "Enter the amount of commitment transferred."),
      transfer_date: (value) => (value ? null : "Enter the date of the transfer."),
    },
    onValuesChange: (values, previous) => {
      if (values.from_commitment_id === previous.from_commitment_id) return;
      const source = commitments.find((commitment) => commitment.id === values.from_commitment_id);
      if (source && values.to_investor_id === source.investor_id) form.setFieldValue("to_investor_id", null);
    },
  });

  const values = form.getValues();
  const source = commitments.find((commitment) => commitment.id === values.from_commitment_id) ?? null;
  const receivers = (investors ?? []).filter((investor) => investor.value !== source?.investor_id);

  const transfer = useTransferInterest(fundId);
  const submit = (submitted: TransferValues) =>
    transfer.mutate(toBody(submitted), {
      onSuccess: (done) => {
        const from = commitments.find((commitment) => commitment.id === done.from_commitment_id);
        const to = investors?.find((investor) => investor.value === done.to_investor_id);
        notifications.show({
          message: `${from ? `${from.investor_name} transferred` : "Transferred"} ${formatMoney(done.amount, currency)} of commitment${to ? ` to ${to.label}` : ""}.`,
          color: "teal",
        });
        onDone();
      },
      onError: (error) => {
        const text = applyProblemToForm(form, error);
        setMessage(text ? { text, conflict: error instanceof ApiError && error.status === 409 } : null);
      },
    });

  return (
    <form
      onSubmit={form.onSubmit((submitted) => {
        setMessage(null);
        submit(submitted);
      })}
      noValidate
      aria-label="Transfer interest"
    >
      <Stack gap="sm">
        <Text size="sm">
          The investor receiving the interest gets a commitment of the amount transferred, at the
          transferor&apos;s close; the capital called and the recallable distributions move with it pro rata.
          The transferor&apos;s calls and distributions must be settled first.
        </Text>
        {message ? (
          <Alert
            color={message.conflict ? "orange" : "red"}
            role="alert"
            title="The interest could not be transferred"
          >
            {message.text}
          </Alert>
        ) : null}
        <Select
          label="Commitment transferred"
          withAsterisk
          searchable
          data={commitments.map((commitment) => ({
            value: commitment.id,
            label: commitmentLabel(commitment),
          }))}
          nothingFoundMessage="No commitment by that name"
          {...form.getInputProps("from_commitment_id")}
        />
        {source ? (
          <Text size="xs" c="dimmed" data-testid="transfer-source">
            {source.investor_name} committed {formatMoney(source.amount, currency)}:{" "}
            {formatMoney(source.called, currency)} called, {formatMoney(source.unfunded, currency)} unfunded.{" "}
            <Anchor
              component="button"
              type="button"
              size="xs"
              onClick={() => form.setFieldValue("amount", source.amount)}
            >
              Transfer all of it
            </Anchor>
          </Text>
        ) : null}
        <Select
          label="Receiving investor"
          withAsterisk
          searchable
          data={receivers}
          disabled={investors === undefined}
          nothingFoundMessage="No investor by that name"
          {...form.getInputProps("to_investor_id")}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label={`Amount transferred (${currency})`}
            inputMode="decimal"
            withAsterisk
            {...form.getInputProps("amount")}
          />
          <DateField label="Transfer date" withAsterisk {...form.getInputProps("transfer_date")} />
        </SimpleGrid>
        <Text size="xs" c="dimmed">
          A new investor is added on the{" "}
          <Anchor component={Link} to="/investors" size="xs">
            Investors
          </Anchor>{" "}
          page first.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={transfer.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={transfer.isPending}>
            Transfer interest
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface TransferModalProps extends TransferFormProps {
  opened: boolean;
  /** Bumped at each opening, so the form starts afresh. */
  session: number;
}

/** The transfer form in a dialog, started afresh each time it opens. */
export function TransferModal({ opened, session, onDone, ...props }: TransferModalProps) {
  return (
    <Modal opened={opened} onClose={onDone} title="Transfer interest" size="lg">
      <TransferForm key={session} onDone={onDone} {...props} />
    </Modal>
  );
}
