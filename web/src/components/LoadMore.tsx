import { Button, Group } from "@mantine/core";

import { ErrorAlert } from "./ErrorAlert";

interface LoadMoreProps {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  /** The error of the last page asked for, when rows are already shown above. */
  error: unknown;
  fetchNextPage: () => void;
}

/** The foot of a cursor-paginated list: a "Load more" button, or why the next page failed. */
export function LoadMore({ hasNextPage, isFetchingNextPage, error, fetchNextPage }: LoadMoreProps) {
  if (error) {
    return <ErrorAlert error={error} onRetry={fetchNextPage} isRetrying={isFetchingNextPage} />;
  }
  if (!hasNextPage) return null;
  return (
    <Group justify="center">
      <Button variant="default" onClick={fetchNextPage} loading={isFetchingNextPage}>
        Load more
      </Button>
    </Group>
  );
}
