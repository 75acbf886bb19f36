/** Accepting an invitation to an organization, with a new account or an existing one. */
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import type { BodyOf } from "../../api/types";

export type InvitationAcceptance = BodyOf<"/api/v1/auth/invitations/accept", "post">;

/** Accept the invitation; every answer cached before is forgotten, as the next step is to sign in. */
export function useAcceptInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: InvitationAcceptance) => unwrap(api.POST("/api/v1/auth/invitations/accept", { body })),
    onSuccess: () => queryClient.removeQueries(),
  });
}
