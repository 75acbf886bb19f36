import { Alert, Button, Group, Modal, SimpleGrid, Stack, Text } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { applyProblemToForm } from "../../../api/forms";
import { ApiError } from "../../../api/problem";
import { formatDate } from "../../../components/formatting";
import { DateField } from "../shared/DateField";
import { todayIso } from "../shared/format";
import { closeName } from "./closes";
import { useHoldClose, type Close } from "./queries";

interface HoldCloseValues {
  close_date: string | null;
}

interface HoldCloseFormProps {
  fundId: string;
  /** The fund's latest close; null when it has none yet (the close held is then the initial one). */
  latest: Close | null;
  onDone: () => void;
}

/**
 * Hold the fund's next close on a date: the commitments admitted afterwards join it, and its
 * late closers are then caught up by an equalization call. The first close is the initial
 * close and sets the fund's initial close date.
 */
export function HoldCloseForm({ fundId, latest, onDone }: HoldCloseFormProps) {
  const [message, setMessage] = useState<{ text: string; conflict: boolean } | null>(null);
  const form = useForm<HoldCloseValues>({
    mode: "controlled",
    initialValues: { close_date: todayIso() },
    validate: {
      close_date: (value) => (value ? null : "Enter the date of the close."),
    },
  });

  const hold = useHoldClose(fundId);
  const submit = (values: HoldCloseValues) =>
    hold.mutate(
      { close_date: values.close_date ?? "" },
      {
        onSuccess: (close) => {
          notifications.show({
            message: close.is_initial
              ? `${closeName(close)}, the initial close, is held on ${formatDate(close.close_date)}.`
              : `${closeName(close)} is held on ${formatDate(close.close_date)}: the commitments admitted now join it.`,
            color: "teal",
          });
          onDone();
        },
        onError: (error) => {
          const text = applyProblemToForm(form, error);
          setMessage(text ? { text, conflict: error instanceof ApiError && error.status === 409 } : null);
        },
      },
    );

  const number = (latest?.number ?? 0) + 1;
  return (
    <form
      onSubmit={form.onSubmit((values) => {
        setMessage(null);
        submit(values);
      })}
      noValidate
      aria-label="Hold next close"
    >
      <Stack gap="sm">
        <Text size="sm">
          {latest
            ? `Close #${number} follows ${closeName(latest).toLowerCase()} of ${formatDate(latest.close_date)}. The commitments admitted after it is held join it; an equalization call then catches its LPs up with the LPs admitted earlier.`
            : "Close #1 is the fund's initial close: it sets the fund's initial close date."}
        </Text>
        {message ? (
          <Alert color={message.conflict ? "orange" : "red"} role="alert" title="The close could not be held">
            {message.text}
          </Alert>
        ) : null}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <DateField label="Close date" withAsterisk {...form.getInputProps("close_date")} />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={hold.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={hold.isPending}>
            Hold close #{number}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface HoldCloseModalProps extends HoldCloseFormProps {
  opened: boolean;
  /** Bumped at each opening, so the form starts afresh. */
  session: number;
}

/** The close form in a dialog, started afresh each time it opens. */
export function HoldCloseModal({ fundId, latest, opened, session, onDone }: HoldCloseModalProps) {
  return (
    <Modal opened={opened} onClose={onDone} title="Hold next close">
      <HoldCloseForm key={session} fundId={fundId} latest={latest} onDone={onDone} />
    </Modal>
  );
}
