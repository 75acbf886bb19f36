import { keepPreviousData, useInfiniteQuery, type QueryKey } from "@tanstack/react-query";

/** One page of a cursor-paginated list, as every list endpoint answers it. */
export interface CursorPage<T> {
  items: T[];
  next_cursor?: string | null;
}

/**
 * A cursor-paginated list, page after page: `rows` holds every item loaded so far and
 * `fetchNextPage` loads the next page while there is one. Changing the key starts over, and
 * the previous rows stay on screen until the new first page arrives. With `enabled: false`
 * nothing is fetched (a list that waits for a choice, or one the user may not read).
 */
export function useCursorList<T>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | null) => Promise<CursorPage<T>>,
  { enabled = true }: { enabled?: boolean } = {},
) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor ?? null,
    placeholderData: keepPreviousData,
    enabled,
  });
  const rows = query.data?.pages.flatMap((page) => page.items) ?? [];
  return { ...query, rows };
}
