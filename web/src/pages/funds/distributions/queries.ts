/** Distributions: a fund's list, one distribution, drafting one through the waterfall and its workflow. */
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import { distributionKeys, fundKeys } from "../../../api/queryKeys";
import type { BodyOf, ResponseOf } from "../../../api/types";

export type Distribution = ResponseOf<"/api/v1/distributions/{distribution_id}", "get">;
export type DistributionCreate = BodyOf<"/api/v1/funds/{fund_id}/distributions", "post">;
export type Waterfall = ResponseOf<"/api/v1/funds/{fund_id}/distributions/preview", "post">;
export type CreatedDistribution = ResponseOf<"/api/v1/funds/{fund_id}/distributions", "post">;
export type DistributionAction = "approve" | "issue" | "pay" | "cancel";

/** The fund's distributions, newest first, page after page. */
export function useFundDistributions(fundId: string) {
  return useCursorList(distributionKeys.list(fundId), (cursor) =>
    unwrap(
      api.GET("/api/v1/funds/{fund_id}/distributions", {
        params: { path: { fund_id: fundId }, query: { limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
}

export function useDistribution(distributionId: string) {
  return useQuery({
    queryKey: distributionKeys.detail(distributionId),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/distributions/{distribution_id}", {
          params: { path: { distribution_id: distributionId } },
        }),
      ),
  });
}

async function refreshDistributions(queryClient: QueryClient) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: distributionKeys.all }),
    queryClient.invalidateQueries({ queryKey: fundKeys.all }),
  ]);
}

/** The waterfall the API would run for the proceeds: its tiers and each partner's share. Nothing is saved. */
export function usePreviewDistribution(fundId: string) {
  return useMutation({
    mutationFn: (body: DistributionCreate) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/distributions/preview", {
          params: { path: { fund_id: fundId } },
          body,
        }),
      ),
  });
}

/** Draft a distribution; the distributions and the fund's figures are read again. */
export function useCreateDistribution(fundId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: DistributionCreate) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/distributions", { params: { path: { fund_id: fundId } }, body }),
      ),
    onSuccess: () => {
      void refreshDistributions(queryClient);
    },
  });
}

/**
 * One step of a distribution's workflow; paying carries its date and a new Idempotency-Key.
 * The answer replaces the cached distribution at once, and the lists and the fund's figures
 * are read again.
 */
export function useDistributionAction(distributionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      action,
      paidDate,
      key,
    }: {
      action: DistributionAction;
      paidDate?: string;
      key?: string;
    }) => {
      const params = { path: { distribution_id: distributionId } };
      if (action === "approve")
        return unwrap(api.POST("/api/v1/distributions/{distribution_id}/approve", { params }));
      if (action === "issue")
        return unwrap(api.POST("/api/v1/distributions/{distribution_id}/issue", { params }));
      if (action === "pay") {
        return unwrap(
          api.POST("/api/v1/distributions/{distribution_id}/pay", {
            params: { ...params, header: { "Idempotency-Key": key ?? "" } },
            body: { paid_date: paidDate ?? "" },
          }),
        );
      }
      return unwrap(api.POST("/api/v1/distributions/{distribution_id}/cancel", { params }));
    },
    onSuccess: (updated) => {
      queryClient.setQueryData(distributionKeys.detail(distributionId), updated);
      void refreshDistributions(queryClient);
    },
  });
}
