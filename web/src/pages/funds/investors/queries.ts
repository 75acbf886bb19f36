/** Investors: the list, one investor, its commitments across funds and its portal users. */
import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import { callKeys, fundKeys, investorKeys, userKeys } from "../../../api/queryKeys";
import type { BodyOf, QueryOf, ResponseOf } from "../../../api/types";
import { useCalls } from "../calls/queries";
import { csvUrl } from "../shared/links";
import { PICKER_LIMIT } from "../shared/queries";

export type InvestorFilters = QueryOf<"/api/v1/investors", "get">;
export type Investor = ResponseOf<"/api/v1/investors/{investor_id}", "get">;
export type InvestorCreate = BodyOf<"/api/v1/investors", "post">;
export type InvestorCommitment = ResponseOf<
  "/api/v1/investors/{investor_id}/commitments",
  "get"
>["items"][number];

/** Investors matching `filters`, page after page. */
export function useInvestors(filters: InvestorFilters) {
  return useCursorList(investorKeys.list(filters), (cursor) =>
    unwrap(
      api.GET("/api/v1/investors", { params: { query: { ...filters, ...(cursor ? { cursor } : {}) } } }),
    ),
  );
}

/** Create an investor; every list and picker of investors is read again. */
export function useCreateInvestor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: InvestorCreate) => unwrap(api.POST("/api/v1/investors", { body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: investorKeys.all });
    },
  });
}

/** The investor's capital account since inception in each of `fundIds`. */
export function useInvestorCapitalAccounts(investorId: string, fundIds: readonly string[]) {
  return useQueries({
    queries: fundIds.map((fundId) => ({
      queryKey: fundKeys.part(fundId, "capital-account", investorId),
      queryFn: () =>
        unwrap(
          api.GET("/api/v1/funds/{fund_id}/capital-accounts/{investor_id}", {
            params: { path: { fund_id: fundId, investor_id: investorId } },
          }),
        ),
    })),
  });
}

export function useInvestor(investorId: string) {
  return useQuery({
    queryKey: investorKeys.detail(investorId),
    queryFn: () =>
      unwrap(api.GET("/api/v1/investors/{investor_id}", { params: { path: { investor_id: investorId } } })),
  });
}

/** Commitments loaded per page of the investor's list. */
const COMMITMENTS_PAGE = 100;

/**
 * The investor's commitments in every fund, oldest first, page after page (one request per
 * page, whatever the number of funds), and the address of their CSV export. Nothing is read
 * unless `enabled` (a reader who may not see commitments).
 */
export function useInvestorCommitments(investorId: string, enabled: boolean) {
  const query = { limit: COMMITMENTS_PAGE };
  const list = useCursorList(
    investorKeys.commitments(investorId, query),
    (cursor) =>
      unwrap(
        api.GET("/api/v1/investors/{investor_id}/commitments", {
          params: { path: { investor_id: investorId }, query: { ...query, ...(cursor ? { cursor } : {}) } },
        }),
      ),
    { enabled },
  );
  const csv = csvUrl("/api/v1/investors/{investor_id}/commitments", { investor_id: investorId }, query);
  return { ...list, csv };
}

/**
 * The investor's shares of the calls of the funds it committed to: the calls with a share for
 * it, page after page, and each call's detail for the share itself (the list gives call totals
 * only). Cancelled calls are left out.
 */
export function useInvestorCallShares(investorId: string) {
  const list = useCalls({ investor_id: investorId, limit: 50 });
  const calls = list.rows.filter((call) => call.status !== "cancelled");
  const details = useQueries({
    queries: calls.map((call) => ({
      queryKey: callKeys.detail(call.id),
      queryFn: () =>
        unwrap(api.GET("/api/v1/capital-calls/{call_id}", { params: { path: { call_id: call.id } } })),
    })),
  });
  const shares = details.flatMap((detail) => {
    const call = detail.data;
    return call
      ? call.allocations
          .filter((allocation) => allocation.investor_id === investorId)
          .map((allocation) => ({ call, allocation }))
      : [];
  });
  return {
    list,
    shares,
    detailError: details.find((q) => q.error)?.error,
    /** Until the first shares are known; later pages join the table as they arrive. */
    isPending: list.isPending || (details.length > 0 && details.every((q) => q.isPending)),
    isLoadingShares: details.some((q) => q.isPending),
  };
}

/** The users who see the investor in the LP portal. */
export function useInvestorUsers(investorId: string) {
  return useQuery({
    queryKey: investorKeys.users(investorId),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/investors/{investor_id}/users", { params: { path: { investor_id: investorId } } }),
      ),
  });
}

/** Invitations sent to join as a user of the investor, page after page. */
export function useInvestorInvitations(investorId: string, enabled: boolean) {
  return useCursorList(
    userKeys.partyInvitations(investorId),
    (cursor) =>
      unwrap(
        api.GET("/api/v1/users/invitations", {
          params: { query: { party_id: investorId, ...(cursor ? { cursor } : {}) } },
        }),
      ),
    { enabled },
  );
}

/** The organization's limited partner users, for the portal access picker. */
export function useLimitedPartnerUsers(enabled: boolean) {
  return useQuery({
    queryKey: userKeys.lpOptions,
    enabled,
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/users", { params: { query: { role: "limited_partner", limit: PICKER_LIMIT } } }),
      ),
  });
}

/** Give a user portal access to the investor, or take it away. */
export function useChangeInvestorAccess(investorId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ action, user }: { action: "link" | "unlink"; user: string }) => {
      const path = { investor_id: investorId };
      if (action === "link") {
        await unwrap(
          api.POST("/api/v1/investors/{investor_id}/users", { params: { path }, body: { user_id: user } }),
        );
      } else {
        await unwrap(
          api.DELETE("/api/v1/investors/{investor_id}/users/{user_id}", {
            params: { path: { ...path, user_id: user } },
          }),
        );
      }
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: investorKeys.detail(investorId) }),
  });
}
