import { Alert, Button, Group, Modal, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";

import { ApiError, errorMessage } from "../../../api/problem";
import { formatDate, humanize } from "../../../components/formatting";
import { formatMoney } from "../shared/format";
import { useReversePayment, type Payment } from "./queries";

interface ReversePaymentModalProps {
  opened: boolean;
  /** The payment to reverse, kept while the dialog closes so its text does not vanish mid-transition. */
  payment: Payment | null;
  onClose: () => void;
}

/**
 * Confirm the reversal of a payment recorded by mistake: the LP owes the amount again and the
 * payment leaves the lists. When the API refuses (a distribution issued since counts the
 * payment), its reason is shown and nothing changes.
 */
export function ReversePaymentModal({ opened, payment, onClose }: ReversePaymentModalProps) {
  const reverse = useReversePayment();
  const confirm = (target: Payment) =>
    reverse.mutate(target, {
      onSuccess: (call) => {
        onClose();
        notifications.show({
          message: `The payment of ${formatMoney(target.amount, target.currency)} by ${target.investor_name} is reversed; capital call ${call.number} is ${humanize(call.status).toLowerCase()}.`,
          color: "teal",
        });
      },
    });
  const close = () => {
    reverse.reset();
    onClose();
  };
  const isConflict = reverse.error instanceof ApiError && reverse.error.status === 409;
  return (
    <Modal opened={opened && payment !== null} onClose={close} title="Reverse the payment">
      {payment ? (
        <Stack gap="md">
          <Text size="sm">
            The payment of {formatMoney(payment.amount, payment.currency)} received from{" "}
            {payment.investor_name} on {formatDate(payment.received_date)} for capital call{" "}
            {payment.call_number} will be reversed: {payment.investor_name} will owe{" "}
            {formatMoney(payment.amount, payment.currency)} again and the payment leaves the lists. Reverse
            only a payment recorded by mistake.
          </Text>
          {reverse.error ? (
            <Alert
              color={isConflict ? "orange" : "red"}
              role="alert"
              title="The payment could not be reversed"
            >
              {errorMessage(reverse.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={reverse.isPending}>
              Keep it
            </Button>
            <Button
              color="red"
              loading={reverse.isPending}
              disabled={isConflict}
              onClick={() => confirm(payment)}
              data-autofocus
            >
              Reverse payment
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}
