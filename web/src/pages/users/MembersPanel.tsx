import {
  Badge,
  Button,
  Group,
  Menu,
  Modal,
  Select,
  Stack,
  Text,
  TextInput,
  Tooltip,
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import {
  IconDots,
  IconSearch,
  IconShieldCheck,
  IconShieldOff,
  IconUserCheck,
  IconUserOff,
} from "@tabler/icons-react";
import { useState } from "react";

import { errorMessage } from "../../api/problem";
import { hasPermission, useMe } from "../../auth/session";
import { DataTable, type DataTableColumn } from "../../components/DataTable";
import { formatDateTime, humanize } from "../../components/formatting";
import {
  useMembers,
  useResetMemberMfa,
  useRoles,
  useUpdateMember,
  type Member,
  type MemberChange,
  type MemberFilters,
} from "./queries";

const PAGE_SIZE = 50;

const STATUS_OPTIONS = [
  { value: "true", label: "Active" },
  { value: "false", label: "Deactivated" },
];

export function MembersPanel() {
  const me = useMe();
  const canManage = hasPermission(me.data, "user:manage");
  const roles = useRoles();
  const [search, setSearch] = useState("");
  const [role, setRole] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const [confirming, setConfirming] = useState<{ member: Member; change: MemberChange } | null>(null);
  const [resetting, setResetting] = useState<Member | null>(null);

  const filters: MemberFilters = {
    limit: PAGE_SIZE,
    ...(debouncedSearch ? { q: debouncedSearch } : {}),
    ...(role ? { role } : {}),
    ...(status ? { is_active: status === "true" } : {}),
  };

  const members = useMembers(filters);
  const update = useUpdateMember(me.data?.user.id);
  const resetMfa = useResetMemberMfa();

  const applyChange = (target: { member: Member; change: MemberChange }) =>
    update.mutate(target, {
      onSuccess: () => {
        const { member, change } = target;
        setConfirming(null);
        let message = `${member.full_name} is updated.`;
        if (change.role) message = `${member.full_name} is now ${humanize(change.role)}.`;
        if (change.is_active === false) message = `${member.full_name} is deactivated.`;
        if (change.is_active === true) message = `${member.full_name} is active again.`;
        notifications.show({ message, color: "teal" });
      },
      onError: (error) =>
        notifications.show({
          title: "Could not update the member",
          message: errorMessage(error),
          color: "red",
        }),
    });

  const resetSecondFactor = (member: Member) =>
    resetMfa.mutate(member, {
      onSuccess: () => {
        setResetting(null);
        notifications.show({
          message: `${member.full_name} signs in with their password now and can set up a new second factor.`,
          color: "teal",
        });
      },
      onError: (error) =>
        notifications.show({
          title: "Could not reset the second factor",
          message: errorMessage(error),
          color: "red",
        }),
    });

  const roleOptions = (roles.data ?? []).map((r) => ({ value: r.role, label: humanize(r.role) }));
  const columns: DataTableColumn<Member>[] = [
    {
      accessor: "full_name",
      title: "Name",
      render: (member) => (
        <Group gap={6} wrap="nowrap">
          <Text size="sm" fw={500}>
            {member.full_name}
          </Text>
          {member.mfa_enabled ? (
            <Tooltip label="Two-factor authentication on">
              <IconShieldCheck
                size={16}
                color="var(--mantine-color-teal-7)"
                aria-label="Two-factor authentication on"
              />
            </Tooltip>
          ) : null}
        </Group>
      ),
    },
    {
      accessor: "email",
      title: "Email",
      render: (member) => (
        <Text size="sm" style={{ wordBreak: "break-all" }}>
          {member.email}
        </Text>
      ),
    },
    {
      accessor: "role",
      title: "Role",
      render: (member) =>
        canManage && member.id !== me.data?.user.id ? (
          <Select
            aria-label={`Role of ${member.full_name}`}
            data={roleOptions.length ? roleOptions : [{ value: member.role, label: humanize(member.role) }]}
            value={member.role}
            allowDeselect={false}
            size="xs"
            w={{ base: "100%", sm: 170 }}
            disabled={update.isPending}
            onChange={(value) => {
              if (value && value !== member.role) {
                setConfirming({ member, change: { role: value } });
              }
            }}
          />
        ) : (
          <Badge variant="light">{humanize(member.role)}</Badge>
        ),
    },
    {
      accessor: "is_active",
      title: "Status",
      render: (member) =>
        member.is_active ? (
          <Badge color="teal" variant="dot">
            Active
          </Badge>
        ) : (
          <Badge color="gray" variant="dot">
            Deactivated
          </Badge>
        ),
    },
    {
      accessor: "last_login_at",
      title: "Last sign-in",
      render: (member) => (member.last_login_at ? formatDateTime(member.last_login_at) : "Never"),
    },
    {
      accessor: "actions",
      title: <VisuallyHidden>Actions</VisuallyHidden>,
      textAlign: "right",
      hidden: !canManage,
      render: (member) =>
        member.id !== me.data?.user.id ? (
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button variant="subtle" size="xs" aria-label={`Actions for ${member.full_name}`}>
                <IconDots size={16} />
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {member.mfa_enabled ? (
                <Menu.Item leftSection={<IconShieldOff size={16} />} onClick={() => setResetting(member)}>
                  Reset second factor
                </Menu.Item>
              ) : null}
              {member.is_active ? (
                <Menu.Item
                  color="red"
                  leftSection={<IconUserOff size={16} />}
                  onClick={() => setConfirming({ member, change: { is_active: false } })}
                >
                  Deactivate
                </Menu.Item>
              ) : (
                <Menu.Item
                  leftSection={<IconUserCheck size={16} />}
                  onClick={() => setConfirming({ member, change: { is_active: true } })}
                >
                  Reactivate
                </Menu.Item>
              )}
            </Menu.Dropdown>
          </Menu>
        ) : (
          <Text size="xs" c="dimmed">
            You
          </Text>
        ),
    },
  ];

  return (
    <Stack gap="md">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <TextInput
          label="Search"
          placeholder="Name or email"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={{ base: "100%", sm: 280 }}
        />
        <Select
          label="Role"
          placeholder="Any role"
          data={roleOptions}
          value={role}
          onChange={setRole}
          clearable
          w={{ base: "100%", sm: 200 }}
        />
        <Select
          label="Status"
          placeholder="Any status"
          data={STATUS_OPTIONS}
          value={status}
          onChange={setStatus}
          clearable
          w={{ base: "100%", sm: 160 }}
        />
      </Group>

      <DataTable
        label="Members"
        columns={columns}
        records={members.rows}
        idAccessor="id"
        query={members}
        noRecordsText="No members match these filters."
        verticalSpacing="sm"
        minWidth={760}
        rowAttributes={() => ({ "data-testid": "member-row" })}
        cardsBelow="sm"
      />

      <ConfirmChangeModal
        confirming={confirming}
        isPending={update.isPending}
        onCancel={() => setConfirming(null)}
        onConfirm={() => confirming && applyChange(confirming)}
      />
      <Modal opened={resetting !== null} onClose={() => setResetting(null)} title="Reset second factor">
        <Stack gap="md">
          <Text size="sm">
            Only when {resetting?.full_name} has lost both their authenticator and their recovery codes: their
            second factor is switched off and their sessions end. They sign in with their password and should
            set up a new second factor at once.
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setResetting(null)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={resetMfa.isPending}
              onClick={() => resetting && resetSecondFactor(resetting)}
              data-autofocus
            >
              Reset second factor
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function ConfirmChangeModal({
  confirming,
  isPending,
  onCancel,
  onConfirm,
}: {
  confirming: { member: Member; change: MemberChange } | null;
  isPending: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const member = confirming?.member;
  const change = confirming?.change;
  let title = "";
  let body = "";
  let action = "";
  if (member && change?.role) {
    title = "Change role";
    body = `${member.full_name} will act as ${humanize(change.role)} from their next request, with that role's permissions.`;
    action = "Change role";
  } else if (member && change?.is_active === false) {
    title = "Deactivate member";
    body = `${member.full_name} is signed out and can no longer sign in to this organization. You can reactivate them later.`;
    action = "Deactivate";
  } else if (member && change?.is_active === true) {
    title = "Reactivate member";
    body = `${member.full_name} can sign in to this organization again.`;
    action = "Reactivate";
  }
  return (
    <Modal opened={confirming !== null} onClose={onCancel} title={title}>
      <Stack gap="md">
        <Text size="sm">{body}</Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button
            color={change?.is_active === false ? "red" : undefined}
            loading={isPending}
            onClick={onConfirm}
            data-autofocus
          >
            {action}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
