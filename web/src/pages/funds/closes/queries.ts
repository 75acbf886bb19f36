/** A fund's closes and transfers of interest: their shapes, reads, and holding a close, equalizing it and transferring an interest. */
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import { callKeys, closeKeys, fundKeys, investorKeys } from "../../../api/queryKeys";
import type { BodyOf, ResponseOf } from "../../../api/types";
import { PICKER_LIMIT } from "../shared/queries";

export type Close = ResponseOf<"/api/v1/funds/{fund_id}/closes", "get">[number];
export type CloseCreate = BodyOf<"/api/v1/funds/{fund_id}/closes", "post">;
export type EqualizationCreate = BodyOf<"/api/v1/funds/{fund_id}/closes/{close_id}/equalization", "post">;
export type EqualizationCall = ResponseOf<"/api/v1/funds/{fund_id}/closes/{close_id}/equalization", "post">;
export type Transfer = ResponseOf<"/api/v1/funds/{fund_id}/transfers", "get">[number];
export type TransferCreate = BodyOf<"/api/v1/funds/{fund_id}/transfers", "post">;
export type Commitment = ResponseOf<"/api/v1/funds/{fund_id}/commitments", "get">["items"][number];

/** The fund's closes, the initial close first. */
export function useCloses(fundId: string) {
  return useQuery({
    queryKey: closeKeys.closes(fundId),
    queryFn: () =>
      unwrap(api.GET("/api/v1/funds/{fund_id}/closes", { params: { path: { fund_id: fundId } } })),
  });
}

/** The fund's transfers of interest, oldest first. */
export function useTransfers(fundId: string) {
  return useQuery({
    queryKey: closeKeys.transfers(fundId),
    queryFn: () =>
      unwrap(api.GET("/api/v1/funds/{fund_id}/transfers", { params: { path: { fund_id: fundId } } })),
  });
}

/**
 * Every commitment of the fund (transferred ones too) as the API's widest page gives them;
 * `complete` is false when the fund has more than that page holds.
 */
export function useFundCommitments(fundId: string, enabled = true) {
  return useQuery({
    queryKey: closeKeys.commitments(fundId),
    enabled,
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/funds/{fund_id}/commitments", {
          params: { path: { fund_id: fundId }, query: { limit: PICKER_LIMIT } },
        }),
      ),
    select: (page) => ({ items: page.items, complete: !page.next_cursor }),
  });
}

/**
 * Refresh what a close, a transfer or an equalization call changes: every part of the fund
 * (its commitments, closes, capital accounts, ledger...) and, as asked, the calls and the
 * investors (whose pages list their commitments).
 */
async function refreshAfter(
  queryClient: QueryClient,
  { calls = false, investors = false }: { calls?: boolean; investors?: boolean } = {},
) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: fundKeys.all }),
    ...(calls ? [queryClient.invalidateQueries({ queryKey: callKeys.all })] : []),
    ...(investors ? [queryClient.invalidateQueries({ queryKey: investorKeys.all })] : []),
  ]);
}

/** Hold the fund's next close on a date. */
export function useHoldClose(fundId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CloseCreate) =>
      unwrap(api.POST("/api/v1/funds/{fund_id}/closes", { params: { path: { fund_id: fundId } }, body })),
    onSuccess: () => {
      void refreshAfter(queryClient);
    },
  });
}

/** Draft the equalization call of a subsequent close; the call is cached at once for its page. */
export function useDraftEqualization(fundId: string, closeId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: EqualizationCreate) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/closes/{close_id}/equalization", {
          params: { path: { fund_id: fundId, close_id: closeId } },
          body,
        }),
      ),
    onSuccess: (call) => {
      queryClient.setQueryData(callKeys.detail(call.id), call);
      void refreshAfter(queryClient, { calls: true });
    },
  });
}

/** Transfer all or part of a commitment to another investor. */
export function useTransferInterest(fundId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TransferCreate) =>
      unwrap(api.POST("/api/v1/funds/{fund_id}/transfers", { params: { path: { fund_id: fundId } }, body })),
    onSuccess: () => {
      void refreshAfter(queryClient, { investors: true });
    },
  });
}
