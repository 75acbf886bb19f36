/** The reads of the limited partner's portal: only the signed-in LP's own figures. */
import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { useCursorList } from "../../api/pagination";
import { portalKeys } from "../../api/queryKeys";
import type { AccountPeriod } from "../funds/fund/queries";

export function usePortalInvestors() {
  return useQuery({
    queryKey: portalKeys.part("investors"),
    queryFn: () => unwrap(api.GET("/api/v1/portal/investors")),
  });
}

export function usePortalCommitments() {
  return useQuery({
    queryKey: portalKeys.part("commitments"),
    queryFn: () => unwrap(api.GET("/api/v1/portal/commitments")),
  });
}

export function usePortalPerformance() {
  return useQuery({
    queryKey: portalKeys.part("performance"),
    queryFn: () => unwrap(api.GET("/api/v1/portal/performance")),
  });
}

export function usePortalCalls() {
  return useQuery({
    queryKey: portalKeys.part("capital-calls"),
    queryFn: () => unwrap(api.GET("/api/v1/portal/capital-calls")),
  });
}

export function usePortalDistributions() {
  return useQuery({
    queryKey: portalKeys.part("distributions"),
    queryFn: () => unwrap(api.GET("/api/v1/portal/distributions")),
  });
}

export function usePortalCapitalAccount(period: AccountPeriod) {
  return useQuery({
    queryKey: portalKeys.part("capital-account", period),
    queryFn: () => unwrap(api.GET("/api/v1/portal/capital-account", { params: { query: period } })),
  });
}

export function usePortalStatements() {
  return useCursorList(portalKeys.part("statements"), (cursor) =>
    unwrap(
      api.GET("/api/v1/portal/statements", {
        params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
}

export function usePortalPayments() {
  return useCursorList(portalKeys.part("payments"), (cursor) =>
    unwrap(
      api.GET("/api/v1/portal/payments", { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } }),
    ),
  );
}
