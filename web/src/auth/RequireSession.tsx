import { Center, Container } from "@mantine/core";
import { Navigate, useLocation } from "react-router";

import { ApiError } from "../api/problem";
import { ErrorAlert } from "../components/ErrorAlert";
import { FullPageLoader } from "../components/FullPageLoader";
import { AppLayout } from "../layout/AppLayout";
import { useMe } from "./session";

export function loginPath(next: string): string {
  return next && next !== "/" ? `/login?next=${encodeURIComponent(next)}` : "/login";
}

/** The signed-in part of the app: the session is loaded before anything else renders. */
export function RequireSession() {
  const me = useMe();
  const location = useLocation();

  if (me.isPending) {
    return <FullPageLoader label="Loading your workspace" />;
  }
  if (me.isError) {
    if (me.error instanceof ApiError && me.error.status === 401) {
      return <Navigate to={loginPath(location.pathname + location.search)} replace />;
    }
    return (
      <Center h="100vh">
        <Container size="xs" w="100%">
          <ErrorAlert
            error={me.error}
            title="Your workspace could not be loaded"
            onRetry={() => void me.refetch()}
            isRetrying={me.isFetching}
          />
        </Container>
      </Center>
    );
  }
  return <AppLayout me={me.data} />;
}
