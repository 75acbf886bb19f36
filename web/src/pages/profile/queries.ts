/** The signed-in user's own account: their details, password, second factor and API keys. */
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { useCursorList } from "../../api/pagination";
import { meQueryKey, profileKeys } from "../../api/queryKeys";
import type { BodyOf, ResponseOf } from "../../api/types";

export type ApiKey = ResponseOf<"/api/v1/api-keys", "get">["items"][number];
export type ApiKeyCreate = BodyOf<"/api/v1/api-keys", "post">;
export type CreatedKey = ResponseOf<"/api/v1/api-keys", "post">;
export type Enrolment = ResponseOf<"/api/v1/me/mfa/enroll", "post">;
export type PasswordChange = BodyOf<"/api/v1/me/password", "post">;
export type MfaDisable = BodyOf<"/api/v1/me/mfa/disable", "post">;

/** Read who is signed in again, once their own account changed. */
function useRefreshMe() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: meQueryKey });
  };
}

export function useUpdateFullName() {
  const refreshMe = useRefreshMe();
  return useMutation({
    mutationFn: (fullName: string) => unwrap(api.PATCH("/api/v1/me", { body: { full_name: fullName } })),
    onSuccess: refreshMe,
  });
}

/** Change the password; the user's other sessions end. */
export function useChangePassword() {
  return useMutation({
    mutationFn: (body: PasswordChange) => unwrap(api.POST("/api/v1/me/password", { body })),
  });
}

/** Start setting up a second factor: a secret for the authenticator app, not yet in force. */
export function useEnrollMfa() {
  return useMutation({ mutationFn: () => unwrap(api.POST("/api/v1/me/mfa/enroll")) });
}

/** Turn the second factor on with a code from the app; the answer holds the recovery codes. */
export function useConfirmMfa() {
  const refreshMe = useRefreshMe();
  return useMutation({
    mutationFn: (code: string) => unwrap(api.POST("/api/v1/me/mfa/confirm", { body: { code } })),
    onSuccess: refreshMe,
  });
}

export function useDisableMfa() {
  const refreshMe = useRefreshMe();
  return useMutation({
    mutationFn: (body: MfaDisable) => unwrap(api.POST("/api/v1/me/mfa/disable", { body })),
    onSuccess: refreshMe,
  });
}

/** The user's API keys in this organization, page after page. */
export function useApiKeys() {
  return useCursorList(profileKeys.apiKeys, (cursor) =>
    unwrap(api.GET("/api/v1/api-keys", { params: { query: cursor ? { cursor } : {} } })),
  );
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ApiKeyCreate) => unwrap(api.POST("/api/v1/api-keys", { body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: profileKeys.apiKeys });
    },
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/api/v1/api-keys/{key_id}", { params: { path: { key_id: id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: profileKeys.apiKeys });
    },
  });
}
