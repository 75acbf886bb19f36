import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { jsonResponse, problemResponse, renderWithProviders } from "../../test/render";
import { LoginForm } from "./LoginForm";

type Answer = (request: Request) => Response | Promise<Response>;

/** Stub the browser's fetch with one answer per expected request, recording the bodies sent. */
function stubApi(...answers: Answer[]) {
  const sent: { path: string; body: unknown }[] = [];
  const fetch = vi.fn(async (request: Request) => {
    const text = await request.clone().text();
    sent.push({ path: new URL(request.url).pathname, body: text ? JSON.parse(text) : null });
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected request to ${request.url}`);
    return answer(request);
  });
  vi.stubGlobal("fetch", fetch);
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("LoginForm", () => {
  it("asks for the code when the password is right but MFA is on, then signs in", async () => {
    const user = userEvent.setup();
    const sent = stubApi(
      () => jsonResponse({ status: "mfa_required", mfa_token: "mfa-token-1", me: null }),
      () => jsonResponse({ status: "ok", mfa_token: null, me: null }),
    );
    const onSignedIn = vi.fn();
    renderWithProviders(<LoginForm onSignedIn={onSignedIn} />);

    await user.type(screen.getByLabelText(/email/i), "admin@example.com");
    await user.type(screen.getByLabelText(/^password/i), "correct horse battery");
    await user.keyboard("{Enter}");

    const code = await screen.findByLabelText(/authentication code/i);
    expect(onSignedIn).not.toHaveBeenCalled();
    expect(screen.getByText("admin@example.com")).toBeInTheDocument();
    await waitFor(() => expect(code).toHaveFocus());

    await user.type(code, "123 456");
    await user.click(screen.getByRole("button", { name: /verify and sign in/i }));

    await waitFor(() => expect(onSignedIn).toHaveBeenCalledTimes(1));
    expect(sent).toEqual([
      { path: "/api/v1/auth/login", body: { email: "admin@example.com", password: "correct horse battery" } },
      { path: "/api/v1/auth/login/mfa", body: { mfa_token: "mfa-token-1", code: "123456" } },
    ]);
  });

  it("signs in at once when no second factor is due", async () => {
    const user = userEvent.setup();
    stubApi(() => jsonResponse({ status: "ok", mfa_token: null, me: null }));
    const onSignedIn = vi.fn();
    renderWithProviders(<LoginForm onSignedIn={onSignedIn} />);

    await user.type(screen.getByLabelText(/email/i), "lp@example.com");
    await user.type(screen.getByLabelText(/^password/i), "a long password{Enter}");

    await waitFor(() => expect(onSignedIn).toHaveBeenCalledTimes(1));
    expect(screen.queryByLabelText(/authentication code/i)).not.toBeInTheDocument();
  });

  it("shows the API's message for a wrong password and clears the password", async () => {
    const user = userEvent.setup();
    stubApi(() => problemResponse(401, "Authentication required", "Incorrect email or password."));
    const onSignedIn = vi.fn();
    renderWithProviders(<LoginForm onSignedIn={onSignedIn} />);

    await user.type(screen.getByLabelText(/email/i), "admin@example.com");
    await user.type(screen.getByLabelText(/^password/i), "wrong password{Enter}");

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not sign you in");
    expect(alert).toHaveTextContent("Incorrect email or password.");
    expect(screen.getByLabelText(/^password/i)).toHaveValue("");
    expect(screen.getByLabelText(/^password/i)).toHaveFocus();
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it("says the account is locked when the API refuses for a while", async () => {
    const user = userEvent.setup();
    stubApi(() => problemResponse(423, "Locked", "Too many failed sign-ins: try again in 15 minutes."));
    renderWithProviders(<LoginForm onSignedIn={vi.fn()} />);

    await user.type(screen.getByLabelText(/email/i), "admin@example.com");
    await user.type(screen.getByLabelText(/^password/i), "wrong password{Enter}");

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Sign-in temporarily blocked");
    expect(alert).toHaveTextContent("try again in 15 minutes");
  });

  it("shows a wrong code on the code step without leaving it", async () => {
    const user = userEvent.setup();
    stubApi(
      () => jsonResponse({ status: "mfa_required", mfa_token: "mfa-token-2", me: null }),
      () => problemResponse(401, "Invalid multi-factor code", "The code is not valid."),
    );
    const onSignedIn = vi.fn();
    renderWithProviders(<LoginForm onSignedIn={onSignedIn} />);

    await user.type(screen.getByLabelText(/email/i), "admin@example.com");
    await user.type(screen.getByLabelText(/^password/i), "correct horse battery{Enter}");
    await user.type(await screen.findByLabelText(/authentication code/i), "000000{Enter}");

    expect(await screen.findByRole("alert")).toHaveTextContent("The code is not valid.");
    expect(screen.getByLabelText(/authentication code/i)).toHaveValue("");
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it("checks the fields before calling the API", async () => {
    const user = userEvent.setup();
    const sent = stubApi();
    renderWithProviders(<LoginForm onSignedIn={vi.fn()} />);

    await user.click(screen.getByRole("button", { name: /sign in/i }));

    expect(await screen.findByText("Enter your email address.")).toBeInTheDocument();
    expect(screen.getByText("Enter your password.")).toBeInTheDocument();
    expect(sent).toEqual([]);
  });
});
