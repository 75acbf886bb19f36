import { Alert, Button, Group, Modal, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";

import { ApiError, errorMessage } from "../../../api/problem";

interface ConfirmCancelModalProps {
  opened: boolean;
  title: string;
  /** What cancelling does, said before it is done. */
  children: ReactNode;
  confirmLabel: string;
  /** Said above the API's reason when it refuses. */
  errorTitle: string;
  error: unknown;
  isPending: boolean;
  onConfirm: () => void;
  onClose: () => void;
}

/**
 * Ask before cancelling something posted (a fee run, an expense): the dialog says what will be
 * reversed and, when the API refuses (a 409 explains why), shows its reason and stays open.
 */
export function ConfirmCancelModal({
  opened,
  title,
  children,
  confirmLabel,
  errorTitle,
  error,
  isPending,
  onConfirm,
  onClose,
}: ConfirmCancelModalProps) {
  const isConflict = error instanceof ApiError && error.status === 409;
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <Stack gap="md">
        <Text size="sm">{children}</Text>
        {error ? (
          <Alert color={isConflict ? "orange" : "red"} role="alert" title={errorTitle}>
            {errorMessage(error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={isPending}>
            Keep it
          </Button>
          <Button color="red" loading={isPending} onClick={onConfirm} disabled={isConflict} data-autofocus>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
