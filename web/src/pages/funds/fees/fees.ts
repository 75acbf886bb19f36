/** A fund's management fee runs, expenses and transaction fees: their shapes, cache keys and reads. */
import { useQuery, type QueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import type { BodyOf, ResponseOf } from "../../../api/types";
import { humanize } from "../../../components/formatting";
import { PICKER_LIMIT } from "../shared/queries";
import { callKeys, feeKeys, fundKeys } from "../../../api/queryKeys";

export type FeeRun = ResponseOf<"/api/v1/funds/{fund_id}/fee-runs", "get">["items"][number];
export type FeeRunDetail = ResponseOf<"/api/v1/funds/{fund_id}/fee-runs", "post">;
export type FeeRunCreate = BodyOf<"/api/v1/funds/{fund_id}/fee-runs", "post">;
export type Expense = ResponseOf<"/api/v1/funds/{fund_id}/expenses", "get">["items"][number];
export type ExpenseDetail = ResponseOf<"/api/v1/funds/{fund_id}/expenses", "post">;
export type TransactionFee = ResponseOf<"/api/v1/funds/{fund_id}/transaction-fees", "get">["items"][number];

/** A portfolio company as a picker offers it. */
export interface CompanyOption {
  value: string;
  label: string;
}

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

/** The fund's portfolio companies as `{ value, label }` for a picker (for holders of valuation:read). */
export function useCompanyOptions(fundId: string, enabled: boolean) {
  return useQuery({
    queryKey: fundKeys.part(fundId, "companies", "options"),
    enabled,
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/funds/{fund_id}/portfolio-companies", {
          params: { path: { fund_id: fundId }, query: { limit: PICKER_LIMIT } },
        }),
      ),
    select: (page): CompanyOption[] =>
      page.items.map((company) => ({ value: company.id, label: company.name })),
  });
}

/** Refresh what a fee, an expense or a correction changes: every part of the fund, its dashboard and, when a call is involved, the calls. */
export async function refreshFund(queryClient: QueryClient, fundId: string, calls = false) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: fundKeys.parts(fundId) }),
    queryClient.invalidateQueries({ queryKey: fundKeys.dashboard(fundId) }),
    ...(calls ? [queryClient.invalidateQueries({ queryKey: callKeys.all })] : []),
  ]);
}

/** The day after an ISO date, as the API writes dates. */
export function nextDay(isoDate: string): string {
  const day = new Date(`${isoDate}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

/**
 * The period start to bill next: the day after the latest posted run (runs come latest period
 * first), else the fund's initial close; null when the fund has no close yet.
 */
export function nextBillingDate(runs: readonly FeeRun[], initialClose: string | null): string | null {
  const latest = runs.find((run) => run.status === "posted");
  return latest ? nextDay(latest.period_end) : initialClose;
}

/** The API's fee basis (`commitment`, `invested_cost`, `commitment+nav`...) as a person reads it. */
export function basisLabel(basis: string): string {
  return basis
    .split("+")
    .map((part, index) => (index === 0 ? humanize(part) : humanize(part).toLowerCase()))
    .join(", then ");
}
