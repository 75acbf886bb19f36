/** The organization's members, their invitations and the roles they may hold: reads and writes. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { useCursorList } from "../../api/pagination";
import { meQueryKey, userKeys } from "../../api/queryKeys";
import type { BodyOf, QueryOf, ResponseOf } from "../../api/types";

export type Role = ResponseOf<"/api/v1/roles", "get">[number];
export type Member = ResponseOf<"/api/v1/users", "get">["items"][number];
export type MemberFilters = QueryOf<"/api/v1/users", "get">;
export type MemberChange = BodyOf<"/api/v1/users/{user_id}", "patch">;
export type Invitation = ResponseOf<"/api/v1/users/invitations", "get">["items"][number];
export type InvitationCreate = BodyOf<"/api/v1/users/invitations", "post">;
export type CreatedInvitation = ResponseOf<"/api/v1/users/invitations", "post">;

export function useRoles() {
  return useQuery({
    queryKey: userKeys.roles,
    queryFn: () => unwrap(api.GET("/api/v1/roles")),
    staleTime: 10 * 60_000,
  });
}

/** Members matching `filters`, page after page. */
export function useMembers(filters: MemberFilters) {
  return useCursorList(userKeys.memberList(filters), (cursor) =>
    unwrap(api.GET("/api/v1/users", { params: { query: { ...filters, ...(cursor ? { cursor } : {}) } } })),
  );
}

/**
 * Change a member's role or whether they may sign in. The members are read again, and the
 * signed-in user's own session too when the member is them (`currentUserId`).
 */
export function useUpdateMember(currentUserId: string | undefined) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ member, change }: { member: Member; change: MemberChange }) =>
      unwrap(
        api.PATCH("/api/v1/users/{user_id}", { params: { path: { user_id: member.id } }, body: change }),
      ),
    onSuccess: (_, { member }) => {
      void queryClient.invalidateQueries({ queryKey: userKeys.members });
      if (member.id === currentUserId) {
        void queryClient.invalidateQueries({ queryKey: meQueryKey });
      }
    },
  });
}

/** Switch off the second factor of a member who lost it; their sessions end. */
export function useResetMemberMfa() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (member: Member) =>
      unwrap(api.POST("/api/v1/users/{user_id}/mfa/reset", { params: { path: { user_id: member.id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: userKeys.members });
    },
  });
}

/** The organization's invitations, newest first, page after page. */
export function useInvitations() {
  return useCursorList(userKeys.invitations, (cursor) =>
    unwrap(api.GET("/api/v1/users/invitations", { params: { query: cursor ? { cursor } : {} } })),
  );
}

/** Invite someone by email with a role; every list of invitations is read again. */
export function useInviteMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: InvitationCreate) => unwrap(api.POST("/api/v1/users/invitations", { body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: userKeys.invitations });
    },
  });
}
