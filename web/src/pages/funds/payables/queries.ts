/** A fund's payables and its disbursements: their shapes, reads and the payment out of the fund's cash. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import { fundKeys, payableKeys } from "../../../api/queryKeys";
import type { BodyOf, ResponseOf } from "../../../api/types";

export type Payables = ResponseOf<"/api/v1/funds/{fund_id}/payables", "get">;
export type Payable = Payables["items"][number];
export type Disbursement = ResponseOf<"/api/v1/funds/{fund_id}/disbursements", "post">;
export type DisbursementCreate = BodyOf<"/api/v1/funds/{fund_id}/disbursements", "post">;
export type DisbursementKind = DisbursementCreate["kind"];

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

/**
 * Pay a payable out of the fund's cash; the fund's parts and dashboard are read again. The
 * Idempotency-Key is one per submission, so a request repeated by the network pays once.
 */
export function usePayDisbursement(fundId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, key }: { body: DisbursementCreate; key: string }) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/disbursements", {
          params: { path: { fund_id: fundId }, header: { "Idempotency-Key": key } },
          body,
        }),
      ),
    onSuccess: () => {
      void Promise.all([
        queryClient.invalidateQueries({ queryKey: fundKeys.parts(fundId) }),
        queryClient.invalidateQueries({ queryKey: fundKeys.dashboard(fundId) }),
      ]);
    },
  });
}
