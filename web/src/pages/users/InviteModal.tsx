import { Alert, Button, Code, Group, Modal, Select, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconMailCheck } from "@tabler/icons-react";
import { useState } from "react";

import { applyProblemToForm, type FieldErrorTarget } from "../../api/forms";
import { CopyValueButton } from "../../components/CopyValueButton";
import { formatDateTime, humanize } from "../../components/formatting";
import { useInvestorOptions } from "../funds/shared/queries";
import { useInviteMember, useRoles, type CreatedInvitation } from "./queries";

/**
 * The external roles that can be invited, each with the kind of party its user belongs to.
 * Founders and clients are left out until the domains their parties live in exist (the API
 * refuses them).
 */
const PARTY_ROLES: Record<string, "investor"> = { limited_partner: "investor" };

interface InviteValues {
  email: string;
  full_name: string;
  role: string;
  party_id: string | null;
}

interface InviteModalProps {
  opened: boolean;
  onClose: () => void;
  /** Told once an invitation is made (the lists of invitations are read again by themselves). */
  onInvited?: () => void;
  /** Invite a limited partner user of this investor: no role or investor to choose. */
  investor?: { id: string; name: string };
}

/** The form as a target for field errors, without the investor it does not show. */
function withoutParty(form: FieldErrorTarget): FieldErrorTarget {
  return {
    setFieldError: (path, error) => form.setFieldError(path, error),
    getValues: () => {
      const { party_id: _partyId, ...shown } = form.getValues() as InviteValues;
      return shown;
    },
  };
}

/** Invite someone by email with a role; the link to accept is shown once, to pass on. */
export function InviteModal({ opened, onClose, onInvited, investor }: InviteModalProps) {
  const roles = useRoles();
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const initialValues: InviteValues = investor
    ? { email: "", full_name: "", role: "limited_partner", party_id: investor.id }
    : { email: "", full_name: "", role: "viewer", party_id: null };
  const form = useForm({
    mode: "controlled",
    initialValues,
    validate: {
      email: (value) => (/^\S+@\S+\.\S+$/.test(value.trim()) ? null : "Enter an email address."),
      full_name: (value) => (value.trim() ? null : "Enter their name."),
      role: (value) => (value ? null : "Choose a role."),
      party_id: (value, values) =>
        PARTY_ROLES[values.role] === "investor" && !value ? "Choose the investor they belong to." : null,
    },
    onValuesChange: (values, previous) => {
      if (values.role !== previous.role && !PARTY_ROLES[values.role] && values.party_id) {
        form.setFieldValue("party_id", null);
      }
    },
  });
  const needsInvestor = !investor && PARTY_ROLES[form.getValues().role] === "investor";
  const investors = useInvestorOptions(undefined, opened && needsInvestor);

  const invite = useInviteMember();
  const submit = (values: InviteValues) =>
    invite.mutate(
      {
        email: values.email.trim(),
        full_name: values.full_name.trim(),
        role: values.role,
        ...(PARTY_ROLES[values.role] && values.party_id ? { party_id: values.party_id } : {}),
      },
      {
        onSuccess: (result) => {
          setCreated(result);
          form.reset();
          onInvited?.();
        },
        onError: (error) => setMessage(applyProblemToForm(investor ? withoutParty(form) : form, error)),
      },
    );

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
      title={created ? "Invitation created" : investor ? "Invite an LP user" : "Invite a member"}
      size="lg"
    >
      {created ? (
        <Stack gap="md">
          <Alert color="teal" icon={<IconMailCheck size={18} />}>
            {created.email} is invited as {humanize(created.role)}
            {created.party_name ? ` of ${created.party_name}` : ""}. Send them this link; it works until{" "}
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
            submit(values);
          })}
          noValidate
          aria-label={investor ? "Invite an LP user" : "Invite a member"}
        >
          <Stack gap="sm">
            {message ? (
              <Alert color="red" role="alert">
                {message}
              </Alert>
            ) : null}
            <TextInput label="Email" type="email" required data-autofocus {...form.getInputProps("email")} />
            <TextInput label="Full name" required {...form.getInputProps("full_name")} />
            {investor ? (
              <Text size="sm">They join as a limited partner and see {investor.name} in the LP portal.</Text>
            ) : (
              <>
                <Select
                  label="Role"
                  required
                  data={(roles.data ?? [])
                    .filter((role) => !role.external || role.role in PARTY_ROLES)
                    .map((role) => ({
                      value: role.role,
                      label: role.external ? `${humanize(role.role)} (external)` : humanize(role.role),
                    }))}
                  disabled={roles.isPending}
                  allowDeselect={false}
                  {...form.getInputProps("role")}
                  error={roles.isError ? "The roles could not be loaded." : form.errors.role}
                />
                {needsInvestor ? (
                  <Select
                    label="Investor"
                    description="The investor they see in the LP portal."
                    placeholder="Choose an investor"
                    required
                    searchable
                    data={investors.data ?? []}
                    disabled={investors.isPending}
                    {...form.getInputProps("party_id")}
                    error={investors.isError ? "The investors could not be loaded." : form.errors.party_id}
                  />
                ) : null}
                <Text size="xs" c="dimmed">
                  The role decides what they can see and do; see the Roles and permissions tab.
                </Text>
              </>
            )}
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
