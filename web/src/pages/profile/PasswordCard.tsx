import { Alert, Button, PasswordInput, Stack } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { applyProblemToForm } from "../../api/forms";
import { MIN_PASSWORD_LENGTH } from "../../auth/passwords";
import { useChangePassword } from "./queries";
import { SectionCard } from "./SectionCard";

export function PasswordCard() {
  const [message, setMessage] = useState<string | null>(null);
  const form = useForm({
    mode: "controlled",
    initialValues: { current_password: "", new_password: "", confirm: "" },
    validate: {
      current_password: (value) => (value ? null : "Enter your current password."),
      new_password: (value) =>
        value.length >= MIN_PASSWORD_LENGTH ? null : `Use at least ${MIN_PASSWORD_LENGTH} characters.`,
      confirm: (value, values) => (value === values.new_password ? null : "The passwords do not match."),
    },
  });

  const change = useChangePassword();
  const submit = (values: { current_password: string; new_password: string }) =>
    change.mutate(
      { current_password: values.current_password, new_password: values.new_password },
      {
        onSuccess: () => {
          form.reset();
          notifications.show({ message: "Your password is changed.", color: "teal" });
        },
        onError: (error) => setMessage(applyProblemToForm(form, error)),
      },
    );

  return (
    <SectionCard title="Password" description="Changing it signs out your other sessions.">
      <form
        onSubmit={form.onSubmit((values) => {
          setMessage(null);
          submit(values);
        })}
        noValidate
        aria-label="Change password"
      >
        <Stack gap="sm">
          {message ? (
            <Alert color="red" role="alert">
              {message}
            </Alert>
          ) : null}
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            required
            {...form.getInputProps("current_password")}
          />
          <PasswordInput
            label="New password"
            description={`At least ${MIN_PASSWORD_LENGTH} characters.`}
            autoComplete="new-password"
            required
            {...form.getInputProps("new_password")}
          />
          <PasswordInput
            label="Confirm new password"
            autoComplete="new-password"
            required
            {...form.getInputProps("confirm")}
          />
          <Button type="submit" loading={change.isPending} style={{ alignSelf: "flex-start" }}>
            Change password
          </Button>
        </Stack>
      </form>
    </SectionCard>
  );
}
