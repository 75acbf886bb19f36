/** Reads more than one fund page needs, with their cache keys. */
import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import type { ResponseOf } from "../../../api/types";

export type Fund = ResponseOf<"/api/v1/funds/{fund_id}", "get">;
export type FundSummary = ResponseOf<"/api/v1/funds", "get">["items"][number];

/** The widest page the API serves: pickers load their choices in one request. */
export const PICKER_LIMIT = 500;

export const fundKeys = {
  all: ["funds"] as const,
  list: (filters: object) => ["funds", "list", filters] as const,
  options: ["funds", "options"] as const,
  detail: (fundId: string) => ["funds", "detail", fundId] as const,
  dashboard: (fundId: string) => ["funds", "dashboard", fundId] as const,
  /** Every part of one fund below (its ledger, capital accounts, NAV, payables...). */
  parts: (fundId: string) => ["funds", "part", fundId] as const,
  part: (fundId: string, part: string, ...rest: unknown[]) =>
    ["funds", "part", fundId, part, ...rest] as const,
};

export const callKeys = {
  all: ["capital-calls"] as const,
  detail: (callId: string) => ["capital-calls", "detail", callId] as const,
};

export const distributionKeys = {
  all: ["distributions"] as const,
  detail: (distributionId: string) => ["distributions", "detail", distributionId] as const,
};

export const investorKeys = {
  all: ["investors"] as const,
  detail: (investorId: string) => ["investors", "detail", investorId] as const,
};

export const paymentKeys = { all: ["payments"] as const };

export function useFund(fundId: string) {
  return useQuery({
    queryKey: fundKeys.detail(fundId),
    queryFn: () => unwrap(api.GET("/api/v1/funds/{fund_id}", { params: { path: { fund_id: fundId } } })),
  });
}

/** Every fund as `{ value, label }` for a picker. */
export function useFundOptions(enabled = true) {
  return useQuery({
    queryKey: fundKeys.options,
    enabled,
    queryFn: () => unwrap(api.GET("/api/v1/funds", { params: { query: { limit: PICKER_LIMIT } } })),
    select: (page) =>
      page.items.map((fund) => ({ value: fund.id, label: fund.name, currency: fund.currency })),
    staleTime: 30_000,
  });
}

/** Investors (optionally those committed to one fund) as `{ value, label }` for a picker. */
export function useInvestorOptions(fundId?: string, enabled = true) {
  return useQuery({
    queryKey: [...investorKeys.all, "options", fundId ?? null],
    enabled,
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/investors", {
          params: { query: { limit: PICKER_LIMIT, ...(fundId ? { fund_id: fundId } : {}) } },
        }),
      ),
    select: (page) => page.items.map((investor) => ({ value: investor.id, label: investor.name })),
    staleTime: 30_000,
  });
}
