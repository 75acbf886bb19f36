/** The reads of a fund's tabs (capital accounts, ledger, performance, portfolio, reports...). */
import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import { fundKeys } from "../../../api/queryKeys";
import type { ResponseOf } from "../../../api/types";

export type CapitalAccount = ResponseOf<"/api/v1/funds/{fund_id}/capital-accounts", "get">["items"][number];
export type Reconciliation = ResponseOf<"/api/v1/funds/{fund_id}/reconciliation", "get">;

/** A period of a capital account: from `start` (else inception) to `end`. */
export interface AccountPeriod {
  start?: string;
  end?: string;
}

/** Every partner's capital account of the fund over `period`, page after page. */
export function useCapitalAccounts(fundId: string, period: AccountPeriod) {
  return useCursorList(fundKeys.part(fundId, "capital-accounts", period), (cursor) =>
    unwrap(
      api.GET("/api/v1/funds/{fund_id}/capital-accounts", {
        params: {
          path: { fund_id: fundId },
          query: { ...period, limit: 200, ...(cursor ? { cursor } : {}) },
        },
      }),
    ),
  );
}

/** Partners' capital against the trial balance at `asOf` (today when null). */
export function useReconciliation(fundId: string, asOf: string | null) {
  return useQuery({
    queryKey: fundKeys.part(fundId, "reconciliation", asOf),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/funds/{fund_id}/reconciliation", {
          params: { path: { fund_id: fundId }, query: asOf ? { as_of: asOf } : {} },
        }),
      ),
  });
}
