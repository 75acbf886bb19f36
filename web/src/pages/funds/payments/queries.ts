/** Payments against capital calls and bank reconciliation: their shapes, reads and writes. */
import { useMutation, useQueries, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import { callKeys, fundKeys, paymentKeys } from "../../../api/queryKeys";
import type { QueryOf, ResponseOf } from "../../../api/types";
import { formatMoney, isZero } from "../shared/format";
import { PICKER_LIMIT } from "../shared/queries";
import { fileUpload } from "../shared/upload";

export type PaymentFilters = QueryOf<"/api/v1/payments", "get">;
export type Payment = ResponseOf<"/api/v1/payments", "get">["items"][number];
export type Reconciliation = ResponseOf<"/api/v1/reconciliations/{reconciliation_id}", "get">;

/** What a recorded or reversed payment changes: the payments, the calls and the fund's figures. */
async function refreshPayments(queryClient: QueryClient) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: paymentKeys.all }),
    queryClient.invalidateQueries({ queryKey: callKeys.all }),
    queryClient.invalidateQueries({ queryKey: fundKeys.all }),
  ]);
}

/** Payments matching `query` (filters and page size), newest first, page after page. */
export function usePayments(query: PaymentFilters) {
  return useCursorList(paymentKeys.list(query), (cursor) =>
    unwrap(api.GET("/api/v1/payments", { params: { query: { ...query, ...(cursor ? { cursor } : {}) } } })),
  );
}

/** Reverse a payment recorded by mistake; the answer is the call it was paid against. */
export function useReversePayment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (target: Payment) =>
      unwrap(
        api.POST("/api/v1/payments/{payment_id}/reverse", { params: { path: { payment_id: target.id } } }),
      ),
    onSuccess: () => {
      void refreshPayments(queryClient);
    },
  });
}

/** An open share of an issued call, labelled for a person choosing what a statement line pays. */
export interface OpenShare {
  value: string;
  label: string;
}

/** The fund's open shares of issued calls, each labelled for a person choosing a match. */
export function useOpenShares(fundId: string, currency: string): OpenShare[] {
  const calls = useQuery({
    queryKey: callKeys.list({ fund_id: fundId, open: true }),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/capital-calls", { params: { query: { fund_id: fundId, limit: PICKER_LIMIT } } }),
      ),
    select: (page) =>
      page.items.filter((call) => call.status === "issued" || call.status === "partially_paid"),
  });
  const details = useQueries({
    queries: (calls.data ?? []).map((call) => ({
      queryKey: callKeys.detail(call.id),
      queryFn: () =>
        unwrap(api.GET("/api/v1/capital-calls/{call_id}", { params: { path: { call_id: call.id } } })),
    })),
  });
  const shares: OpenShare[] = [];
  for (const detail of details) {
    for (const allocation of detail.data?.allocations ?? []) {
      if (isZero(allocation.outstanding)) continue;
      shares.push({
        value: allocation.id,
        label: `Call ${detail.data?.number}: ${allocation.investor_name}, ${formatMoney(allocation.outstanding, currency)} open (${allocation.payment_reference})`,
      });
    }
  }
  return shares;
}

/** Match a bank statement (CSV) against the fund's expected call payments; nothing is recorded. */
export function useUploadStatement(fundId: string) {
  return useMutation({
    mutationFn: (statement: File) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/reconciliations", {
          params: { path: { fund_id: fundId } },
          ...fileUpload(statement),
        }),
      ),
  });
}

/** Settle a doubtful statement line by the call share it pays. */
export function useResolveStatementLine() {
  return useMutation({
    mutationFn: ({
      reconciliationId,
      lineNo,
      allocationId,
    }: {
      reconciliationId: string;
      lineNo: number;
      allocationId: string;
    }) =>
      unwrap(
        api.PATCH("/api/v1/reconciliations/{reconciliation_id}/lines/{line_no}", {
          params: { path: { reconciliation_id: reconciliationId, line_no: lineNo } },
          body: { call_allocation_id: allocationId },
        }),
      ),
  });
}

/**
 * Record the matched lines of a reconciliation as payments. The Idempotency-Key is one per
 * request, so a request repeated by the network records them once.
 */
export function useApplyReconciliation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ reconciliationId, key }: { reconciliationId: string; key: string }) =>
      unwrap(
        api.POST("/api/v1/reconciliations/{reconciliation_id}/apply", {
          params: { path: { reconciliation_id: reconciliationId }, header: { "Idempotency-Key": key } },
        }),
      ),
    onSuccess: () => {
      void refreshPayments(queryClient);
    },
  });
}
