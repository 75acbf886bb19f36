import { Badge, Button, Group, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconUserPlus } from "@tabler/icons-react";

import { DataTable, type DataTableColumn } from "../../components/DataTable";
import { formatDateTime, humanize } from "../../components/formatting";
import { InviteModal } from "./InviteModal";
import { useInvitations, type Invitation } from "./queries";

const STATUS_COLORS: Record<Invitation["status"], string> = {
  pending: "blue",
  accepted: "teal",
  expired: "gray",
};

const COLUMNS: DataTableColumn<Invitation>[] = [
  { accessor: "full_name", title: "Name" },
  {
    accessor: "email",
    title: "Email",
    render: (invitation) => (
      <Text size="sm" style={{ wordBreak: "break-all" }}>
        {invitation.email}
      </Text>
    ),
  },
  { accessor: "role", title: "Role", render: (invitation) => humanize(invitation.role) },
  {
    accessor: "status",
    title: "Status",
    render: (invitation) => (
      <Badge color={STATUS_COLORS[invitation.status]} variant="light">
        {humanize(invitation.status)}
      </Badge>
    ),
  },
  { accessor: "created_at", title: "Sent", render: (invitation) => formatDateTime(invitation.created_at) },
  { accessor: "expires_at", title: "Expires", render: (invitation) => formatDateTime(invitation.expires_at) },
];

export function InvitationsPanel() {
  const [opened, { open, close }] = useDisclosure(false);
  const invitations = useInvitations();

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed">
          An invitation link is good for one sign-up and expires after a few days.
        </Text>
        <Button leftSection={<IconUserPlus size={16} />} onClick={open}>
          Invite a member
        </Button>
      </Group>
      <DataTable
        label="Invitations"
        columns={COLUMNS}
        records={invitations.rows}
        idAccessor="id"
        query={invitations}
        noRecordsText="No invitations yet."
        verticalSpacing="sm"
        minWidth={640}
        cardsBelow="sm"
      />
      <InviteModal opened={opened} onClose={close} />
    </Stack>
  );
}
