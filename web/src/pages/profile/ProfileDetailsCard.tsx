import { Alert, Button, Group, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";

import { applyProblemToForm } from "../../api/forms";
import { type Me } from "../../auth/session";
import { humanize } from "../../components/formatting";
import { useUpdateFullName } from "./queries";
import { SectionCard } from "./SectionCard";

export function ProfileDetailsCard({ me }: { me: Me }) {
  const [message, setMessage] = useState<string | null>(null);
  const form = useForm({
    mode: "controlled",
    initialValues: { full_name: me.user.full_name },
    validate: { full_name: (value) => (value.trim() ? null : "Enter your name.") },
  });

  const save = useUpdateFullName();
  const submit = (fullName: string) =>
    save.mutate(fullName, {
      onSuccess: () => {
        form.resetDirty({ full_name: fullName });
        notifications.show({ message: "Your name is saved.", color: "teal" });
      },
      onError: (error) => setMessage(applyProblemToForm(form, error)),
    });

  return (
    <SectionCard title="Your details">
      <form
        onSubmit={form.onSubmit((values) => {
          setMessage(null);
          submit(values.full_name.trim());
        })}
        noValidate
      >
        <Group gap="md" align="flex-start" wrap="wrap">
          {message ? (
            <Alert color="red" w="100%" role="alert">
              {message}
            </Alert>
          ) : null}
          <TextInput
            label="Full name"
            autoComplete="name"
            required
            w="100%"
            {...form.getInputProps("full_name")}
          />
          <TextInput
            label="Email"
            value={me.user.email}
            readOnly
            w="100%"
            description="Ask an administrator to change it."
          />
          <Text size="sm" w="100%">
            {humanize(me.role)} at <strong>{me.organization.name}</strong>
          </Text>
          <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
            Save
          </Button>
        </Group>
      </form>
    </SectionCard>
  );
}
