/** Distributions: a fund's list and one distribution. */
import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import { distributionKeys } from "../../../api/queryKeys";

/** The fund's distributions, newest first, page after page. */
export function useFundDistributions(fundId: string) {
  return useCursorList([...distributionKeys.all, "list", fundId], (cursor) =>
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
