/** A fund's management fee runs, expenses and transaction fees: their shapes, reads and writes. */
import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import { callKeys, feeKeys, fundKeys } from "../../../api/queryKeys";
import type { BodyOf, ResponseOf } from "../../../api/types";

export type FeeRun = ResponseOf<"/api/v1/funds/{fund_id}/fee-runs", "get">["items"][number];
export type FeeRunDetail = ResponseOf<"/api/v1/funds/{fund_id}/fee-runs", "post">;
export type FeeRunCreate = BodyOf<"/api/v1/funds/{fund_id}/fee-runs", "post">;
export type Expense = ResponseOf<"/api/v1/funds/{fund_id}/expenses", "get">["items"][number];
export type ExpenseDetail = ResponseOf<"/api/v1/funds/{fund_id}/expenses", "post">;
export type ExpenseCreate = BodyOf<"/api/v1/funds/{fund_id}/expenses", "post">;
export type TransactionFee = ResponseOf<"/api/v1/funds/{fund_id}/transaction-fees", "get">["items"][number];
export type TransactionFeeCreate = BodyOf<"/api/v1/funds/{fund_id}/transaction-fees", "post">;
export type TransactionFeeCancel = BodyOf<"/api/v1/transaction-fees/{transaction_fee_id}/cancel", "post">;

/** The fund's fee runs, latest period first, page after page. */
export function useFeeRuns(fundId: string) {
  return useCursorList(feeKeys.feeRuns(fundId), (cursor) =>
    unwrap(
      api.GET("/api/v1/funds/{fund_id}/fee-runs", {
        params: { path: { fund_id: fundId }, query: { limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
}

/** The fund's expenses, latest first, page after page. */
export function useExpenses(fundId: string) {
  return useCursorList(feeKeys.expenses(fundId), (cursor) =>
    unwrap(
      api.GET("/api/v1/funds/{fund_id}/expenses", {
        params: { path: { fund_id: fundId }, query: { limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
}

/** The transaction fees the manager received from the fund's companies, latest first. */
export function useTransactionFees(fundId: string) {
  return useCursorList(feeKeys.transactionFees(fundId), (cursor) =>
    unwrap(
      api.GET("/api/v1/funds/{fund_id}/transaction-fees", {
        params: { path: { fund_id: fundId }, query: { limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
}

/** Refresh what a fee, an expense or a correction changes: every part of the fund, its dashboard and, when a call is involved, the calls. */
async function refreshFund(queryClient: QueryClient, fundId: string, calls = false) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: fundKeys.parts(fundId) }),
    queryClient.invalidateQueries({ queryKey: fundKeys.dashboard(fundId) }),
    ...(calls ? [queryClient.invalidateQueries({ queryKey: callKeys.all })] : []),
  ]);
}

/** The installment a period start would bill: periods, each LP's share and totals. Nothing is saved. */
export function usePreviewFeeRun(fundId: string) {
  return useMutation({
    mutationFn: (periodStart: string) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/fee-runs", {
          params: { path: { fund_id: fundId } },
          body: { period_start: periodStart, preview: true, call: false },
        }),
      ),
  });
}

/**
 * Post a fee run (and the capital call for its fees when asked). The Idempotency-Key is one
 * per submission, so a request repeated by the network bills once.
 */
export function useBillFeeRun(fundId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, key }: { body: FeeRunCreate; key: string }) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/fee-runs", {
          params: { path: { fund_id: fundId }, header: { "Idempotency-Key": key } },
          body,
        }),
      ),
    onSuccess: (run) => {
      void refreshFund(queryClient, fundId, run.capital_call_id !== null);
    },
  });
}

/** Cancel a posted fee run: its entry is reversed, and a call drafted for it is cancelled too. */
export function useCancelFeeRun(fundId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (run: FeeRun) =>
      unwrap(
        api.POST("/api/v1/fee-runs/{fee_run_id}/cancel", { params: { path: { fee_run_id: run.id ?? "" } } }),
      ),
    onSuccess: (run) => {
      void refreshFund(queryClient, fundId, run.capital_call_id !== null);
    },
  });
}

/** Record an expense charged to the partners; one Idempotency-Key per submission. */
export function useRecordExpense(fundId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, key }: { body: ExpenseCreate; key: string }) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/expenses", {
          params: { path: { fund_id: fundId }, header: { "Idempotency-Key": key } },
          body,
        }),
      ),
    onSuccess: () => {
      void refreshFund(queryClient, fundId);
    },
  });
}

/** Cancel an expense none of which is paid: its entry is reversed. */
export function useCancelExpense(fundId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (expense: Expense) =>
      unwrap(
        api.POST("/api/v1/expenses/{expense_id}/cancel", { params: { path: { expense_id: expense.id } } }),
      ),
    onSuccess: () => {
      void refreshFund(queryClient, fundId);
    },
  });
}

/** Record a transaction fee the manager received; it offsets the next fee installment. */
export function useRecordTransactionFee(fundId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TransactionFeeCreate) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/transaction-fees", { params: { path: { fund_id: fundId } }, body }),
      ),
    onSuccess: () => {
      void refreshFund(queryClient, fundId);
    },
  });
}

/** Cancel a transaction fee recorded by mistake, saying why; it is kept and offsets nothing more. */
export function useCancelTransactionFee(fundId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ fee, body }: { fee: TransactionFee; body: TransactionFeeCancel }) =>
      unwrap(
        api.POST("/api/v1/transaction-fees/{transaction_fee_id}/cancel", {
          params: { path: { transaction_fee_id: fee.id } },
          body,
        }),
      ),
    onSuccess: () => refreshFund(queryClient, fundId),
  });
}
