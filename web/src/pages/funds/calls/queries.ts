import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import type { QueryOf } from "../../../api/types";
import { callKeys } from "../shared/queries";

export type CallFilters = QueryOf<"/api/v1/capital-calls", "get">;

/** Capital calls matching `filters`, page after page. */
export function useCalls(filters: CallFilters) {
  return useCursorList([...callKeys.all, "list", filters], (cursor) =>
    unwrap(
      api.GET("/api/v1/capital-calls", { params: { query: { ...filters, ...(cursor ? { cursor } : {}) } } }),
    ),
  );
}
