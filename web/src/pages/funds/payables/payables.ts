/** A fund's payables and its disbursements: their shapes, cache keys and reads. */
import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import type { BodyOf, ResponseOf } from "../../../api/types";
import { payableKeys } from "../../../api/queryKeys";

export type Payables = ResponseOf<"/api/v1/funds/{fund_id}/payables", "get">;
export type Payable = Payables["items"][number];
export type Disbursement = ResponseOf<"/api/v1/funds/{fund_id}/disbursements", "post">;
export type DisbursementCreate = BodyOf<"/api/v1/funds/{fund_id}/disbursements", "post">;
export type DisbursementKind = DisbursementCreate["kind"];

/** What one payment settles: the management fees payable, or one outstanding item. */
export interface PayTarget {
  kind: DisbursementKind;
  expenseId: string | null;
  distributionId: string | null;
  description: string;
  /** What is left to pay, the amount the form starts from. */
  outstanding: string;
}

/** The management fees payable as something to pay. */
export function feesTarget(payables: Payables): PayTarget {
  return {
    kind: "management_fee",
    expenseId: null,
    distributionId: null,
    description: "Management fees payable to the manager",
    outstanding: payables.management_fees_payable,
  };
}

/** An expense not fully paid, or a withholding not remitted, as something to pay. */
export function itemTarget(item: Payable): PayTarget {
  return {
    kind: item.kind,
    expenseId: item.expense_id ?? null,
    distributionId: item.distribution_id ?? null,
    description: item.description,
    outstanding: item.outstanding,
  };
}

/** The fund's cash, fees payable and items left to pay on `asOf`. */
export function usePayables(fundId: string, asOf: string) {
  return useQuery({
    queryKey: payableKeys.payables(fundId, asOf),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/funds/{fund_id}/payables", {
          params: { path: { fund_id: fundId }, query: { as_of: asOf } },
        }),
      ),
  });
}

/** What the fund paid out of its cash, latest first, page after page. */
export function useDisbursements(fundId: string) {
  return useCursorList(payableKeys.disbursements(fundId), (cursor) =>
    unwrap(
      api.GET("/api/v1/funds/{fund_id}/disbursements", {
        params: { path: { fund_id: fundId }, query: { limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
}
