import { Alert, Button, Group, Text } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";

import { ApiError, errorMessage } from "../api/problem";

interface ErrorAlertProps {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  isRetrying?: boolean;
}

/** An error answer, said plainly, with a retry button when the action can be repeated. */
export function ErrorAlert({ error, title, onRetry, isRetrying = false }: ErrorAlertProps) {
  const requestId = error instanceof ApiError ? error.problem.request_id : null;
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlertTriangle size={18} aria-hidden />}
      title={title ?? (error instanceof ApiError ? error.problem.title : "Something went wrong")}
      role="alert"
    >
      <Text size="sm">{errorMessage(error)}</Text>
      {requestId ? (
        <Text size="xs" c="dimmed" mt={4}>
          Request id: {requestId}
        </Text>
      ) : null}
      {onRetry ? (
        <Group mt="sm">
          <Button size="xs" variant="white" color="red" onClick={onRetry} loading={isRetrying}>
            Try again
          </Button>
        </Group>
      ) : null}
    </Alert>
  );
}
