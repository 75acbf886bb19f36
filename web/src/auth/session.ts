import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import { meQueryKey } from "../api/queryKeys";
import type { ResponseOf } from "../api/types";

export type Me = ResponseOf<"/api/v1/me", "get">;
export type Membership = Me["memberships"][number];

/** Who is signed in, in which organization, with which permissions. */
export function useMe() {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: () => unwrap(api.GET("/api/v1/me")),
    staleTime: 60_000,
  });
}

export function hasPermission(me: Pick<Me, "permissions"> | undefined, permission: string): boolean {
  return me?.permissions.includes(permission) ?? false;
}

/** End the session here (or everywhere) and forget every cached answer of the old session. */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (everywhere: boolean) => {
      if (everywhere) {
        await unwrap(api.POST("/api/v1/auth/logout-all"));
      } else {
        await unwrap(api.POST("/api/v1/auth/logout"));
      }
    },
    onSuccess: () => {
      queryClient.clear();
    },
  });
}

/**
 * Act in another of the user's organizations. Every cached answer belonged to the old one and
 * is dropped; the session answer carries the new `me`, so the frame switches at once.
 */
export function useSwitchOrganization() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (orgId: string) => unwrap(api.POST("/api/v1/auth/switch-org", { body: { org_id: orgId } })),
    onSuccess: async (result) => {
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== meQueryKey[0] });
      if ("me" in result && result.me) {
        queryClient.setQueryData(meQueryKey, result.me);
      } else {
        await queryClient.invalidateQueries({ queryKey: meQueryKey });
      }
    },
  });
}
