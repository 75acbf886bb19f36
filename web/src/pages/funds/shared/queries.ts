/** The funds feature's reads: the list of funds, one fund, creating one, and the pickers of funds, investors and companies. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import { fundKeys, investorKeys } from "../../../api/queryKeys";
import { useCursorList } from "../../../api/pagination";
import type { BodyOf, QueryOf, ResponseOf } from "../../../api/types";

export type Fund = ResponseOf<"/api/v1/funds/{fund_id}", "get">;
export type FundCreate = BodyOf<"/api/v1/funds", "post">;
export type CreatedFund = ResponseOf<"/api/v1/funds", "post">;
export type FundSummary = ResponseOf<"/api/v1/funds", "get">["items"][number];

/** The widest page the API serves: pickers load their choices in one request. */
export const PICKER_LIMIT = 500;

export type FundFilters = QueryOf<"/api/v1/funds", "get">;

/** Funds matching `filters`, page after page. */
export function useFunds(filters: FundFilters) {
  return useCursorList(fundKeys.list(filters), (cursor) =>
    unwrap(api.GET("/api/v1/funds", { params: { query: { ...filters, ...(cursor ? { cursor } : {}) } } })),
  );
}

export function useFund(fundId: string) {
  return useQuery({
    queryKey: fundKeys.detail(fundId),
    queryFn: () => unwrap(api.GET("/api/v1/funds/{fund_id}", { params: { path: { fund_id: fundId } } })),
  });
}

/** Create a fund; every list and picker of funds is read again. */
export function useCreateFund() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: FundCreate) => unwrap(api.POST("/api/v1/funds", { body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: fundKeys.all });
    },
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
    queryKey: investorKeys.options(fundId ?? null),
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

/** A portfolio company as a picker offers it. */
export interface CompanyOption {
  value: string;
  label: string;
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
