/**
 * Signing in: the password step and, for an account with a second factor, the code step. Once
 * signed in, every answer cached before is forgotten: it belonged to no one, or to someone else.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import type { ResponseOf } from "../../api/types";

export type SignInResult = ResponseOf<"/api/v1/auth/login", "post">;

/** The token of the code step when the password alone does not sign in; null once signed in. */
export function secondFactorToken(result: SignInResult): string | null {
  return result.status === "mfa_required" && result.mfa_token ? result.mfa_token : null;
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: { email: string; password: string }) =>
      unwrap(api.POST("/api/v1/auth/login", { body: credentials })),
    onSuccess: (result) => {
      if (secondFactorToken(result) === null) queryClient.removeQueries();
    },
  });
}

/** The second step: the code from the authenticator app (or a recovery code). */
export function useVerifySignInCode(mfaToken: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (code: string) =>
      unwrap(api.POST("/api/v1/auth/login/mfa", { body: { mfa_token: mfaToken, code } })),
    onSuccess: () => queryClient.removeQueries(),
  });
}
