/**
 * The typed client of the Fundhouse API, generated types from `schema.d.ts` (`npm run gen:api`).
 *
 * The browser session lives in HttpOnly cookies, so every call sends credentials. Unsafe
 * methods carry the `X-CSRF-Token` header copied from the readable `fh_csrf` cookie
 * (double-submit). An expired access token answers 401: the client renews the session once
 * through the refresh endpoint and repeats the call; when that fails too, the session is over
 * and the app is sent to the login page.
 */
import createClient from "openapi-fetch";

import { ApiError, networkError, parseProblem } from "./problem";
import type { paths } from "./schema";

export const CSRF_COOKIE = "fh_csrf";
export const CSRF_HEADER = "X-CSRF-Token";
export const REFRESH_PATH = "/api/v1/auth/session/refresh";
const AUTH_PREFIX = "/api/v1/auth/";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

export function readCookie(name: string, cookies: string = document.cookie): string | null {
  for (const part of cookies.split(";")) {
    const index = part.indexOf("=");
    if (index === -1) continue;
    if (part.slice(0, index).trim() === name) {
      return decodeURIComponent(part.slice(index + 1).trim());
    }
  }
  return null;
}

/** The request with the CSRF header set from the current cookie when its method is unsafe. */
export function withCsrf(request: Request): Request {
  if (SAFE_METHODS.has(request.method.toUpperCase())) {
    return request;
  }
  const token = readCookie(CSRF_COOKIE);
  if (!token) {
    return request;
  }
  const headers = new Headers(request.headers);
  headers.set(CSRF_HEADER, token);
  return new Request(request, { headers });
}

export interface SessionFetchOptions {
  /** The fetch to send requests with (the browser's by default). */
  fetch?: (request: Request) => Promise<Response>;
  /** Called once the session could not be renewed; the app goes to its login page. */
  onSessionExpired?: () => void;
}

/**
 * A fetch for the API: CSRF header on unsafe methods, and one session refresh on 401.
 *
 * Calls under `/api/v1/auth/` (login, refresh, logout...) answer 401 for their own reasons,
 * so they are never retried. Concurrent 401s share one refresh.
 */
export function createSessionFetch(options: SessionFetchOptions = {}) {
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  let refreshing: Promise<boolean> | null = null;

  const refresh = (origin: string): Promise<boolean> => {
    refreshing ??= send(
      withCsrf(new Request(new URL(REFRESH_PATH, origin), { method: "POST", credentials: "include" })),
    )
      .then((response) => response.ok)
      .catch(() => false)
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  };

  return async function sessionFetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const retryable = !url.pathname.startsWith(AUTH_PREFIX);
    const spare = retryable ? request.clone() : null;
    const response = await send(withCsrf(request));
    if (response.status !== 401 || spare === null) {
      return response;
    }
    if (await refresh(url.origin)) {
      const repeated = await send(withCsrf(spare));
      if (repeated.status !== 401) {
        return repeated;
      }
    }
    options.onSessionExpired?.();
    return response;
  };
}

let sessionExpiredHandler: () => void = () => {
  const next = window.location.pathname + window.location.search;
  window.location.assign(`/login?next=${encodeURIComponent(next)}`);
};

/** The app installs its router-aware handler here; the default reloads onto /login. */
export function setSessionExpiredHandler(handler: () => void): void {
  sessionExpiredHandler = handler;
}

export function createApiClient(options: SessionFetchOptions & { baseUrl?: string } = {}) {
  const sessionFetch = createSessionFetch({
    fetch: options.fetch,
    onSessionExpired: options.onSessionExpired ?? (() => sessionExpiredHandler()),
  });
  // Typed by the JSON answers only: the lists that also export CSV (`format=csv`) are read as
  // JSON here, and their files are fetched by plain links.
  return createClient<paths, "application/json">({
    baseUrl: options.baseUrl ?? window.location.origin,
    credentials: "include",
    fetch: (request: Request) =>
      sessionFetch(request).catch((cause: unknown) => {
        throw networkError(cause);
      }),
  });
}

export const api = createApiClient();

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The data of a call, or an {@link ApiError} built from its problem details.
 *
 *     const me = await unwrap(api.GET("/api/v1/me"));
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    throw new ApiError(parseProblem(response.status, error, response.statusText));
  }
  return data as T;
}
