import { useLocation, useNavigate, useSearchParams } from "react-router";

import { AuthCard } from "./AuthCard";
import { LoginForm } from "./LoginForm";

/** Only paths inside this app are followed after sign-in, never another site. */
export function safeNextPath(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/login")) {
    return "/";
  }
  return next;
}

export default function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const location = useLocation();
  const state: unknown = location.state;
  const initialEmail =
    typeof state === "object" && state !== null && "email" in state && typeof state.email === "string"
      ? state.email
      : "";

  const onSignedIn = () => {
    void navigate(safeNextPath(params.get("next")), { replace: true });
  };

  return (
    <AuthCard title="Sign in to Fundhouse" subtitle="Investment operations for managers and their investors">
      <LoginForm onSignedIn={onSignedIn} initialEmail={initialEmail} />
    </AuthCard>
  );
}
