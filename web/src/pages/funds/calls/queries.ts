/** Capital calls: their list, one call, drafting one, its workflow (approve, issue, cancel) and its payments. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import { callKeys, fundKeys, paymentKeys } from "../../../api/queryKeys";
import type { BodyOf, QueryOf, ResponseOf } from "../../../api/types";

export type CallFilters = QueryOf<"/api/v1/capital-calls", "get">;
export type CallDetail = ResponseOf<"/api/v1/capital-calls/{call_id}", "get">;
export type CallAction = "approve" | "issue" | "cancel";
export type CallCreate = BodyOf<"/api/v1/funds/{fund_id}/capital-calls", "post">;
export type CallPreview = ResponseOf<"/api/v1/funds/{fund_id}/capital-calls/preview", "post">;
export type CreatedCall = ResponseOf<"/api/v1/funds/{fund_id}/capital-calls", "post">;
export type PaymentCreate = BodyOf<"/api/v1/capital-calls/{call_id}/payments", "post">;

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

/** What each LP would be called for and the totals, computed by the API; nothing is saved. */
export function usePreviewCall(fundId: string) {
  return useMutation({
    mutationFn: (body: CallCreate) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/capital-calls/preview", {
          params: { path: { fund_id: fundId } },
          body,
        }),
      ),
  });
}

/** Draft a capital call; the calls and the fund's figures are read again. */
export function useCreateCall(fundId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CallCreate) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/capital-calls", { params: { path: { fund_id: fundId } }, body }),
      ),
    onSuccess: () => {
      void Promise.all([
        queryClient.invalidateQueries({ queryKey: callKeys.all }),
        queryClient.invalidateQueries({ queryKey: fundKeys.all }),
      ]);
    },
  });
}

/**
 * Record an LP's payment against the call. The Idempotency-Key is one per submission, so a
 * request repeated by the network records the payment once.
 */
export function useRecordCallPayment(callId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, key }: { body: PaymentCreate; key: string }) =>
      unwrap(
        api.POST("/api/v1/capital-calls/{call_id}/payments", {
          params: { path: { call_id: callId }, header: { "Idempotency-Key": key } },
          body,
        }),
      ),
    onSuccess: () => {
      void Promise.all([
        queryClient.invalidateQueries({ queryKey: callKeys.all }),
        queryClient.invalidateQueries({ queryKey: paymentKeys.all }),
        queryClient.invalidateQueries({ queryKey: fundKeys.all }),
      ]);
    },
  });
}
