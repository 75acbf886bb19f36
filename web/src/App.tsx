import "@mantine/core/styles.css";
import "@mantine/dates/styles.css";
import "@mantine/notifications/styles.css";

import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { RouterProvider } from "react-router";

import { setSessionExpiredHandler } from "./api/client";
import { ApiError, NETWORK_ERROR_STATUS } from "./api/problem";
import { loginPath } from "./auth/RequireSession";
import { createAppRouter } from "./router";
import { theme } from "./theme";

/** Repeat a failed read only when repeating can help: no answer, or the server's own failure. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status !== NETWORK_ERROR_STATUS && error.status < 500) {
    return false;
  }
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(() => {
    const created = createAppRouter();
    setSessionExpiredHandler(() => {
      const { pathname, search } = created.state.location;
      queryClient.clear();
      if (pathname !== "/login") {
        void created.navigate(loginPath(pathname + search), { replace: true });
      }
    });
    return created;
  });

  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  );
}
