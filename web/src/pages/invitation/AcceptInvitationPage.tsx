import { Alert, Anchor, Button, Checkbox, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { applyProblemToForm } from "../../api/forms";
import { MIN_PASSWORD_LENGTH } from "../../auth/passwords";
import { AuthCard } from "../login/AuthCard";
import { useAcceptInvitation } from "./queries";

export default function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const navigate = useNavigate();
  const [message, setMessage] = useState<string | null>(null);

  const form = useForm({
    mode: "controlled",
    initialValues: { full_name: "", has_account: false, password: "", confirm: "" },
    validate: {
      full_name: (value) => (value.trim() ? null : "Enter your name."),
      password: (value, values) =>
        values.has_account || value.length >= MIN_PASSWORD_LENGTH
          ? null
          : `Use at least ${MIN_PASSWORD_LENGTH} characters.`,
      confirm: (value, values) =>
        values.has_account || value === values.password ? null : "The passwords do not match.",
    },
  });
  const hasAccount = form.getValues().has_account;

  const accept = useAcceptInvitation();
  const submit = (values: { full_name: string; has_account: boolean; password: string }) =>
    accept.mutate(
      {
        token,
        full_name: values.full_name.trim(),
        ...(values.has_account ? {} : { password: values.password }),
      },
      {
        onSuccess: (accepted) => {
          notifications.show({
            message: `Your invitation is accepted. Sign in as ${accepted.email} to continue.`,
            color: "teal",
          });
          void navigate("/login", { replace: true, state: { email: accepted.email } });
        },
        onError: (error) => setMessage(applyProblemToForm(form, error)),
      },
    );

  if (!token) {
    return (
      <AuthCard title="Accept your invitation">
        <Stack gap="md">
          <Alert
            color="red"
            icon={<IconAlertCircle size={18} />}
            title="No invitation in this link"
            role="alert"
          >
            This address has no invitation token. Open the link from your invitation email again, or ask your
            administrator for a new invitation.
          </Alert>
          <Anchor component={Link} to="/login" size="sm">
            Go to sign in
          </Anchor>
        </Stack>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Accept your invitation"
      subtitle="Confirm your name and choose a password to finish setting up your account."
    >
      <form
        onSubmit={form.onSubmit((values) => {
          setMessage(null);
          submit(values);
        })}
        noValidate
        aria-label="Accept invitation"
      >
        <Stack gap="md">
          {message ? (
            <Alert
              color="red"
              icon={<IconAlertCircle size={18} />}
              title="Could not accept the invitation"
              role="alert"
            >
              {message}
            </Alert>
          ) : null}
          <TextInput
            label="Full name"
            autoComplete="name"
            required
            autoFocus
            {...form.getInputProps("full_name")}
          />
          <Checkbox
            label="I already have a Fundhouse account with this email"
            {...form.getInputProps("has_account", { type: "checkbox" })}
          />
          {hasAccount ? (
            <Text size="sm" c="dimmed">
              The organization is added to your account; sign in with your usual password afterwards.
            </Text>
          ) : (
            <>
              <PasswordInput
                label="Password"
                description={`At least ${MIN_PASSWORD_LENGTH} characters.`}
                autoComplete="new-password"
                required
                {...form.getInputProps("password")}
              />
              <PasswordInput
                label="Confirm password"
                autoComplete="new-password"
                required
                {...form.getInputProps("confirm")}
              />
            </>
          )}
          <Button type="submit" fullWidth loading={accept.isPending}>
            Accept invitation
          </Button>
          <Text size="xs" c="dimmed" ta="center">
            Already have an account?{" "}
            <Anchor component={Link} to="/login" size="xs">
              Sign in
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthCard>
  );
}
