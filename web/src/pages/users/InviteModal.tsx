import { Alert, Button, Code, Group, Modal, Select, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconMailCheck } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap } from "../../api/client";
import { applyProblemToForm } from "../../api/forms";
import type { ResponseOf } from "../../api/types";
import { CopyValueButton } from "../../components/CopyValueButton";
import { formatDateTime, humanize } from "../../components/formatting";
import { useRoles } from "./roles";

type CreatedInvitation = ResponseOf<"/api/v1/users/invitations", "post">;

interface InviteModalProps {
  opened: boolean;
  onClose: () => void;
  onInvited: () => void;
}

/** Invite someone by email with a role; the link to accept is shown once, to pass on. */
export function InviteModal({ opened, onClose, onInvited }: InviteModalProps) {
  const roles = useRoles();
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const form = useForm({
    mode: "controlled",
    initialValues: { email: "", full_name: "", role: "viewer" },
    validate: {
      email: (value) => (/^\S+@\S+\.\S+$/.test(value.trim()) ? null : "Enter an email address."),
      full_name: (value) => (value.trim() ? null : "Enter their name."),
      role: (value) => (value ? null : "Choose a role."),
    },
  });

  const invite = useMutation({
    mutationFn: (values: { email: string; full_name: string; role: string }) =>
      unwrap(
        api.POST("/api/v1/users/invitations", {
          body: { email: values.email.trim(), full_name: values.full_name.trim(), role: values.role },
        }),
      ),
    onSuccess: (result) => {
      setCreated(result);
      form.reset();
      onInvited();
    },
    onError: (error) => setMessage(applyProblemToForm(form, error)),
  });

  const close = () => {
    setCreated(null);
    setMessage(null);
    onClose();
  };

  const acceptUrl = created ? new URL(created.accept_path, window.location.origin).toString() : "";

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? "Invitation created" : "Invite a member"}
      size="lg"
    >
      {created ? (
        <Stack gap="md">
          <Alert color="teal" icon={<IconMailCheck size={18} />}>
            {created.email} is invited as {humanize(created.role)}. Send them this link; it works until{" "}
            {formatDateTime(created.expires_at)} and is shown only now.
          </Alert>
          <Group gap="xs" wrap="nowrap" align="flex-start">
            <Code
              block
              fz="xs"
              style={{ whiteSpace: "pre-wrap", wordBreak: "break-all", flex: 1 }}
              data-testid="invitation-link"
            >
              {acceptUrl}
            </Code>
            <CopyValueButton value={acceptUrl} label="Copy invitation link" compact />
          </Group>
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={form.onSubmit((values) => {
            setMessage(null);
            invite.mutate(values);
          })}
          noValidate
          aria-label="Invite a member"
        >
          <Stack gap="sm">
            {message ? (
              <Alert color="red" role="alert">
                {message}
              </Alert>
            ) : null}
            <TextInput label="Email" type="email" required data-autofocus {...form.getInputProps("email")} />
            <TextInput label="Full name" required {...form.getInputProps("full_name")} />
            <Select
              label="Role"
              required
              data={(roles.data ?? []).map((role) => ({
                value: role.role,
                label: role.external ? `${humanize(role.role)} (external)` : humanize(role.role),
              }))}
              disabled={roles.isPending}
              allowDeselect={false}
              {...form.getInputProps("role")}
              error={roles.isError ? "The roles could not be loaded." : form.errors.role}
            />
            <Text size="xs" c="dimmed">
              The role decides what they can see and do; see the Roles and permissions tab.
            </Text>
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={invite.isPending}>
                Create invitation
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
