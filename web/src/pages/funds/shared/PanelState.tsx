import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";

import { ErrorAlert } from "../../../components/ErrorAlert";
import { TableSkeleton } from "../../../components/TableSkeleton";

interface QueryViewProps<T> {
  query: UseQueryResult<T>;
  /** Said to assistive technology while loading. */
  loadingLabel: string;
  errorTitle?: string;
  children: (data: T) => ReactNode;
}

/** A query's three states: skeleton while loading, the error with a retry, or its data. */
export function QueryView<T>({ query, loadingLabel, errorTitle, children }: QueryViewProps<T>) {
  if (query.isPending) return <TableSkeleton label={loadingLabel} />;
  if (query.isError) {
    return (
      <ErrorAlert
        error={query.error}
        title={errorTitle}
        onRetry={() => void query.refetch()}
        isRetrying={query.isFetching}
      />
    );
  }
  return <>{children(query.data)}</>;
}
