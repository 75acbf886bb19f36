import { Alert, Anchor, Button, Group, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconAlertCircle, IconLock } from "@tabler/icons-react";
import { useEffect, useRef, useState } from "react";

import { applyProblemToForm } from "../../api/forms";
import { ApiError } from "../../api/problem";
import { secondFactorToken, useSignIn, useVerifySignInCode } from "./queries";

type Step = { kind: "credentials" } | { kind: "mfa"; mfaToken: string; email: string };

/** Statuses with which the API refuses a sign-in for a while rather than for wrong input. */
const BLOCKED_STATUSES = new Set([423, 429]);

function problemTitle(error: unknown): string {
  if (error instanceof ApiError && BLOCKED_STATUSES.has(error.status)) {
    return "Sign-in temporarily blocked";
  }
  return "Could not sign you in";
}

function FormAlert({ title, message }: { title: string; message: string }) {
  return (
    <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title={title} role="alert">
      {message}
    </Alert>
  );
}

interface LoginFormProps {
  /** Called once the session cookies are set. */
  onSignedIn: () => void;
  /** An email to start with, such as the one an invitation was just accepted for. */
  initialEmail?: string;
}

/** Email and password, then, for a user with two-factor authentication, the code step. */
export function LoginForm({ onSignedIn, initialEmail = "" }: LoginFormProps) {
  const [step, setStep] = useState<Step>({ kind: "credentials" });

  if (step.kind === "mfa") {
    return (
      <MfaStep
        mfaToken={step.mfaToken}
        email={step.email}
        onSignedIn={onSignedIn}
        onBack={() => setStep({ kind: "credentials" })}
      />
    );
  }
  return (
    <CredentialsStep
      initialEmail={initialEmail}
      onSignedIn={onSignedIn}
      onMfaRequired={(mfaToken, email) => setStep({ kind: "mfa", mfaToken, email })}
    />
  );
}

function CredentialsStep({
  initialEmail,
  onSignedIn,
  onMfaRequired,
}: {
  initialEmail: string;
  onSignedIn: () => void;
  onMfaRequired: (mfaToken: string, email: string) => void;
}) {
  const [message, setMessage] = useState<{ title: string; text: string } | null>(null);
  const form = useForm({
    mode: "controlled",
    initialValues: { email: initialEmail, password: "" },
    validate: {
      email: (value) => (/^\S+@\S+\.\S+$/.test(value.trim()) ? null : "Enter your email address."),
      password: (value) => (value ? null : "Enter your password."),
    },
  });

  const login = useSignIn();
  const signIn = (values: { email: string; password: string }) => {
    const email = values.email.trim();
    login.mutate(
      { email, password: values.password },
      {
        onSuccess: (result) => {
          const mfaToken = secondFactorToken(result);
          if (mfaToken) {
            onMfaRequired(mfaToken, email);
          } else {
            onSignedIn();
          }
        },
        onError: (error) => {
          const text = applyProblemToForm(form, error);
          setMessage(text ? { title: problemTitle(error), text } : null);
          form.setFieldValue("password", "");
          form.getInputNode("password")?.focus();
        },
      },
    );
  };

  return (
    <form
      onSubmit={form.onSubmit((values) => {
        setMessage(null);
        signIn(values);
      })}
      noValidate
      aria-label="Sign in"
    >
      <Stack gap="md">
        {message ? <FormAlert title={message.title} message={message.text} /> : null}
        <TextInput
          label="Email"
          type="email"
          autoComplete="username"
          required
          autoFocus={!initialEmail}
          {...form.getInputProps("email")}
        />
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          required
          autoFocus={Boolean(initialEmail)}
          {...form.getInputProps("password")}
        />
        <Button type="submit" fullWidth loading={login.isPending}>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}

function MfaStep({
  mfaToken,
  email,
  onSignedIn,
  onBack,
}: {
  mfaToken: string;
  email: string;
  onSignedIn: () => void;
  onBack: () => void;
}) {
  const [message, setMessage] = useState<{ title: string; text: string } | null>(null);
  const codeInput = useRef<HTMLInputElement>(null);
  const form = useForm({
    mode: "controlled",
    initialValues: { code: "" },
    validate: {
      code: (value) => (value.trim() ? null : "Enter the code from your authenticator app."),
    },
  });

  useEffect(() => {
    codeInput.current?.focus();
  }, []);

  const verify = useVerifySignInCode(mfaToken);
  const submitCode = (code: string) =>
    verify.mutate(code, {
      onSuccess: () => onSignedIn(),
      onError: (error) => {
        const text = applyProblemToForm(form, error);
        setMessage(text ? { title: problemTitle(error), text } : null);
        form.setFieldValue("code", "");
        codeInput.current?.focus();
      },
    });

  return (
    <form
      onSubmit={form.onSubmit((values) => {
        setMessage(null);
        submitCode(values.code.replace(/\s+/g, ""));
      })}
      noValidate
      aria-label="Two-factor authentication"
    >
      <Stack gap="md">
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <IconLock size={18} aria-hidden />
          <Text size="sm">
            Enter the 6-digit code from your authenticator app for <strong>{email}</strong>, or one of your
            recovery codes.
          </Text>
        </Group>
        {message ? <FormAlert title={message.title} message={message.text} /> : null}
        <TextInput
          ref={codeInput}
          label="Authentication code"
          autoComplete="one-time-code"
          inputMode="text"
          spellCheck={false}
          required
          {...form.getInputProps("code")}
        />
        <Button type="submit" fullWidth loading={verify.isPending}>
          Verify and sign in
        </Button>
        <Anchor component="button" type="button" size="sm" onClick={onBack}>
          Use a different account
        </Anchor>
      </Stack>
    </form>
  );
}
