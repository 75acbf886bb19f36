import { Alert, Button, Group, Modal, SimpleGrid, Stack, Text, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useNavigate } from "react-router";

import { applyProblemToForm } from "../../../api/forms";
import { ApiError } from "../../../api/problem";
import { formatDate } from "../../../components/formatting";
import { DateField } from "../shared/DateField";
import { formatMoney, todayIso } from "../shared/format";
import { closeName, type CloseFigures } from "./closes";
import { useDraftEqualization, type Close, type EqualizationCreate } from "./queries";

interface EqualizationValues {
  call_date: string | null;
  due_date: string | null;
  description: string;
}

function toBody(values: EqualizationValues): EqualizationCreate {
  const description = values.description.trim();
  return {
    call_date: values.call_date ?? "",
    due_date: values.due_date ?? "",
    ...(description ? { description } : {}),
  };
}

interface EqualizationFormProps {
  fundId: string;
  currency: string;
  close: Close;
  /** What the close admitted, when every commitment of the fund is known. */
  figures: CloseFigures | null;
  onDone: () => void;
}

/**
 * Draft the equalization call of a subsequent close: its late closers pay the fee installments
 * billed and the capital called before the close, on their own commitments, with equalization
 * interest that goes to the LPs admitted earlier. Once drafted, the call's page opens, where it
 * is approved and issued. The API's refusal (nothing to equalize, a call drafted already) is
 * said in the dialog, which stays open.
 */
export function EqualizationForm({ fundId, currency, close, figures, onDone }: EqualizationFormProps) {
  const navigate = useNavigate();
  const [message, setMessage] = useState<{ text: string; conflict: boolean } | null>(null);
  const form = useForm<EqualizationValues>({
    mode: "controlled",
    initialValues: { call_date: todayIso(), due_date: null, description: "" },
    validate: {
      call_date: (value) => (value ? null : "Enter the date of the call."),
      due_date: (value, values) => {
        if (!value) return "Enter the date the late closers pay by.";
        return values.call_date && value < values.call_date
          ? "The due date cannot be before the call date."
          : null;
      },
    },
  });

  const draft = useDraftEqualization(fundId, close.id);
  const submit = (values: EqualizationValues) =>
    draft.mutate(toBody(values), {
      onSuccess: (call) => {
        notifications.show({
          message: `Capital call ${call.number} is drafted to equalize ${closeName(close).toLowerCase()}: ${formatMoney(call.amount_due, call.currency)} due with interest.`,
          color: "teal",
        });
        onDone();
        void navigate(`/capital-calls/${call.id}`);
      },
      onError: (error) => {
        const text = applyProblemToForm(form, error);
        setMessage(text ? { text, conflict: error instanceof ApiError && error.status === 409 } : null);
      },
    });

  return (
    <form
      onSubmit={form.onSubmit((values) => {
        setMessage(null);
        submit(values);
      })}
      noValidate
      aria-label="Draft equalization call"
    >
      <Stack gap="sm">
        <Text size="sm">
          {closeName(close)} of {formatDate(close.close_date)}
          {figures
            ? ` admitted ${figures.count} ${figures.count === 1 ? "commitment" : "commitments"} of ${formatMoney(figures.total, currency)} in all`
            : ""}
          . The call catches its LPs up on the management fees billed and the capital called before the close,
          as if they had been admitted at the initial close, with equalization interest paid to the LPs
          admitted earlier. It is drafted, then approved and issued on its page.
        </Text>
        {message ? (
          <Alert
            color={message.conflict ? "orange" : "red"}
            role="alert"
            title="The equalization call could not be drafted"
          >
            {message.text}
          </Alert>
        ) : null}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <DateField label="Call date" withAsterisk {...form.getInputProps("call_date")} />
          <DateField label="Due date" withAsterisk {...form.getInputProps("due_date")} />
        </SimpleGrid>
        <Textarea
          label="Description"
          placeholder="e.g. Equalization of the second close"
          autosize
          minRows={2}
          {...form.getInputProps("description")}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={draft.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={draft.isPending}>
            Draft the call
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface EqualizationModalProps {
  fundId: string;
  currency: string;
  opened: boolean;
  /** The close to equalize, kept while the dialog closes so its content does not vanish mid-transition. */
  close: Close | null;
  figures: CloseFigures | null;
  /** Bumped at each opening, so the form starts afresh. */
  session: number;
  onClose: () => void;
}

/** The equalization form of one close in a dialog, started afresh each time it opens. */
export function EqualizationModal({
  fundId,
  currency,
  opened,
  close,
  figures,
  session,
  onClose,
}: EqualizationModalProps) {
  return (
    <Modal
      opened={opened && close !== null}
      onClose={onClose}
      title={close ? `Equalize ${closeName(close).toLowerCase()}` : ""}
      size="lg"
    >
      {close ? (
        <EqualizationForm
          key={`${close.id}-${session}`}
          fundId={fundId}
          currency={currency}
          close={close}
          figures={figures}
          onDone={onClose}
        />
      ) : null}
    </Modal>
  );
}
