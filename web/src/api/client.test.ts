import { describe, expect, it, vi } from "vitest";

import { jsonResponse, problemResponse } from "../test/render";
import { CSRF_HEADER, REFRESH_PATH, createApiClient, createSessionFetch, readCookie, unwrap } from "./client";
import { ApiError, parseProblem } from "./problem";

const ORIGIN = "http://localhost:3000";

function recordingFetch(...answers: Response[]) {
  const seen: Request[] = [];
  const fetch = vi.fn(async (request: Request) => {
    seen.push(request);
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected request ${request.method} ${request.url}`);
    return answer;
  });
  return { fetch, seen };
}

describe("CSRF header", () => {
  it("is copied from the fh_csrf cookie onto unsafe methods", async () => {
    document.cookie = "fh_csrf=token-123; path=/";
    const { fetch, seen } = recordingFetch(jsonResponse({ id: "k1" }, 201), jsonResponse({ items: [] }));
    const client = createApiClient({ fetch, baseUrl: ORIGIN });

    await client.POST("/api/v1/api-keys", { body: { name: "export", scopes: ["fund:read"] } });
    await client.GET("/api/v1/api-keys");

    expect(seen[0]?.method).toBe("POST");
    expect(seen[0]?.headers.get(CSRF_HEADER)).toBe("token-123");
    expect(seen[1]?.method).toBe("GET");
    expect(seen[1]?.headers.has(CSRF_HEADER)).toBe(false);
  });

  it("is left out when there is no cookie", async () => {
    const { fetch, seen } = recordingFetch(jsonResponse({ status: "ok" }));
    const client = createApiClient({ fetch, baseUrl: ORIGIN });

    await client.POST("/api/v1/auth/login", { body: { email: "a@example.com", password: "x" } });

    expect(seen[0]?.headers.has(CSRF_HEADER)).toBe(false);
  });

  it("reads a cookie among others and decodes it", () => {
    expect(readCookie("fh_csrf", "a=1; fh_csrf=abc%3D%3D; b=2")).toBe("abc==");
    expect(readCookie("fh_csrf", "a=1; other_fh_csrf=zzz")).toBeNull();
  });
});

describe("session refresh on 401", () => {
  it("refreshes once and repeats the call with the renewed CSRF token", async () => {
    document.cookie = "fh_csrf=old; path=/";
    const send = vi.fn(async (request: Request) => {
      if (request.url.endsWith(REFRESH_PATH)) {
        document.cookie = "fh_csrf=new; path=/";
        return jsonResponse({ status: "ok", expires_in: 900 });
      }
      if (request.headers.get(CSRF_HEADER) === "old") {
        return problemResponse(401, "Authentication required", "The token has expired; sign in again.");
      }
      return jsonResponse({ ok: true, body: await request.text() });
    });
    const onSessionExpired = vi.fn();
    const sessionFetch = createSessionFetch({ fetch: send, onSessionExpired });

    const response = await sessionFetch(
      new Request(`${ORIGIN}/api/v1/me`, { method: "PATCH", body: JSON.stringify({ full_name: "A" }) }),
    );

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, body: '{"full_name":"A"}' });
    expect(send.mock.calls.map(([request]) => new URL(request.url).pathname)).toEqual([
      "/api/v1/me",
      REFRESH_PATH,
      "/api/v1/me",
    ]);
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it("gives up and reports the session over when the refresh is refused", async () => {
    const { fetch, seen } = recordingFetch(
      problemResponse(401, "Authentication required", "Sign in."),
      problemResponse(401, "Authentication required", "The refresh token is not valid."),
    );
    const onSessionExpired = vi.fn();
    const client = createApiClient({ fetch, baseUrl: ORIGIN, onSessionExpired });

    await expect(unwrap(client.GET("/api/v1/me"))).rejects.toMatchObject({ status: 401 });
    expect(seen).toHaveLength(2);
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
  });

  it("never refreshes for the sign-in endpoints themselves", async () => {
    const { fetch, seen } = recordingFetch(
      problemResponse(401, "Authentication required", "Incorrect email or password."),
    );
    const onSessionExpired = vi.fn();
    const client = createApiClient({ fetch, baseUrl: ORIGIN, onSessionExpired });

    const result = await client.POST("/api/v1/auth/login", {
      body: { email: "a@example.com", password: "bad" },
    });

    expect(result.response.status).toBe(401);
    expect(seen).toHaveLength(1);
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it("shares one refresh among calls that fail together", async () => {
    let refreshes = 0;
    let renewed = false;
    const send = vi.fn(async (request: Request) => {
      if (request.url.endsWith(REFRESH_PATH)) {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
        renewed = true;
        return jsonResponse({ status: "ok", expires_in: 900 });
      }
      return renewed
        ? jsonResponse({ items: [] })
        : problemResponse(401, "Authentication required", "Expired.");
    });
    const sessionFetch = createSessionFetch({ fetch: send });

    const answers = await Promise.all([
      sessionFetch(new Request(`${ORIGIN}/api/v1/users`)),
      sessionFetch(new Request(`${ORIGIN}/api/v1/roles`)),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(refreshes).toBe(1);
  });
});

describe("problem details", () => {
  it("become an ApiError with the detail and the field errors", async () => {
    const { fetch } = recordingFetch(
      problemResponse(422, "Invalid input", "Invalid fields: email", [
        { field: "email", message: "value is not a valid email address" },
      ]),
    );
    const client = createApiClient({ fetch, baseUrl: ORIGIN });

    const failure = await unwrap(
      client.POST("/api/v1/users/invitations", { body: { email: "nope", full_name: "N", role: "viewer" } }),
    ).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiError);
    const error = failure as ApiError;
    expect(error.status).toBe(422);
    expect(error.userMessage).toBe("Invalid fields: email");
    expect(error.fieldErrors).toEqual({ email: "value is not a valid email address" });
  });

  it("are synthesized for answers that are not problem+json", () => {
    expect(parseProblem(502, "<html>Bad gateway</html>", "Bad Gateway")).toMatchObject({
      status: 502,
      title: "Bad Gateway",
      detail: null,
      errors: [],
    });
    expect(parseProblem(500, undefined)).toMatchObject({
      title: "The server could not complete the request",
    });
  });

  it("turn a network failure into a status-0 error with a readable message", async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    const client = createApiClient({ fetch, baseUrl: ORIGIN });

    const failure = await unwrap(client.GET("/api/v1/roles")).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(0);
    expect((failure as ApiError).userMessage).toMatch(/could not be reached/);
  });
});
