/** A fund's closes and transfers of interest: their shapes, cache keys, reads and the figures drawn from them. */
import { useQuery, type QueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import type { BodyOf, ResponseOf } from "../../../api/types";
import { sumAmounts } from "../shared/format";
import { PICKER_LIMIT } from "../shared/queries";
import { callKeys, closeKeys, fundKeys, investorKeys } from "../../../api/queryKeys";

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

/** What one close admitted: its active commitments and their total. */
export interface CloseFigures {
  count: number;
  total: string;
}

/**
 * The active commitments each close holds and their exact total, by close id. A transferee's
 * commitment belongs to its transferor's close, so a transfer leaves a close's total unchanged.
 */
export function figuresByClose(commitments: readonly Commitment[]): Map<string, CloseFigures> {
  const amounts = new Map<string, string[]>();
  for (const commitment of commitments) {
    if (commitment.status !== "active") continue;
    amounts.set(commitment.close_id, [...(amounts.get(commitment.close_id) ?? []), commitment.amount]);
  }
  return new Map(
    [...amounts].map(([closeId, values]) => [closeId, { count: values.length, total: sumAmounts(values) }]),
  );
}

/** `Close #2`: a close as the page names it. */
export function closeName(close: Pick<Close, "number">): string {
  return `Close #${close.number}`;
}

/**
 * Refresh what a close, a transfer or an equalization call changes: every part of the fund
 * (its commitments, closes, capital accounts, ledger...) and, as asked, the calls and the
 * investors (whose pages list their commitments).
 */
export async function refreshAfter(
  queryClient: QueryClient,
  { calls = false, investors = false }: { calls?: boolean; investors?: boolean } = {},
) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: fundKeys.all }),
    ...(calls ? [queryClient.invalidateQueries({ queryKey: callKeys.all })] : []),
    ...(investors ? [queryClient.invalidateQueries({ queryKey: investorKeys.all })] : []),
  ]);
}
