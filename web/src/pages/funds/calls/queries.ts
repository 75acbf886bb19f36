/** Capital calls: their list, one call, and its workflow (approve, issue, cancel). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import { callKeys, fundKeys } from "../../../api/queryKeys";
import type { QueryOf, ResponseOf } from "../../../api/types";

export type CallFilters = QueryOf<"/api/v1/capital-calls", "get">;
export type CallDetail = ResponseOf<"/api/v1/capital-calls/{call_id}", "get">;
export type CallAction = "approve" | "issue" | "cancel";

/** Capital calls matching `filters`, page after page. */
export function useCalls(filters: CallFilters, { enabled = true }: { enabled?: boolean } = {}) {
  return useCursorList(
    callKeys.list(filters),
    (cursor) =>
      unwrap(
        api.GET("/api/v1/capital-calls", {
          params: { query: { ...filters, ...(cursor ? { cursor } : {}) } },
        }),
      ),
    { enabled },
  );
}

export function useCall(callId: string) {
  return useQuery({
    queryKey: callKeys.detail(callId),
    queryFn: () =>
      unwrap(api.GET("/api/v1/capital-calls/{call_id}", { params: { path: { call_id: callId } } })),
  });
}

/**
 * One step of a call's workflow. The answer is the call after the step; it replaces the
 * cached call at once, and every list of calls and the fund's figures are read again.
 */
export function useCallAction(callId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: CallAction) => {
      const params = { params: { path: { call_id: callId } } };
      if (action === "approve") return unwrap(api.POST("/api/v1/capital-calls/{call_id}/approve", params));
      if (action === "issue") return unwrap(api.POST("/api/v1/capital-calls/{call_id}/issue", params));
      return unwrap(api.POST("/api/v1/capital-calls/{call_id}/cancel", params));
    },
    onSuccess: async (updated) => {
      queryClient.setQueryData(callKeys.detail(callId), updated);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: callKeys.all }),
        queryClient.invalidateQueries({ queryKey: fundKeys.all }),
      ]);
    },
  });
}
