import { Badge, Button, Group, Stack, Table, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconUserPlus } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { useCursorList } from "../../api/pagination";
import type { ResponseOf } from "../../api/types";
import { ErrorAlert } from "../../components/ErrorAlert";
import { LoadMore } from "../../components/LoadMore";
import { TableCard } from "../../components/TableCard";
import { TableSkeleton } from "../../components/TableSkeleton";
import { formatDateTime, humanize } from "../../components/formatting";
import { InviteModal } from "./InviteModal";

type Invitation = ResponseOf<"/api/v1/users/invitations", "get">["items"][number];

const invitationsQueryKey = ["invitations"] as const;

const STATUS_COLORS: Record<Invitation["status"], string> = {
  pending: "blue",
  accepted: "teal",
  expired: "gray",
};

export function InvitationsPanel() {
  const queryClient = useQueryClient();
  const [opened, { open, close }] = useDisclosure(false);
  const invitations = useCursorList(invitationsQueryKey, (cursor) =>
    unwrap(api.GET("/api/v1/users/invitations", { params: { query: cursor ? { cursor } : {} } })),
  );

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
      {invitations.isPending ? (
        <TableSkeleton label="Loading invitations" rows={3} />
      ) : invitations.isError && invitations.rows.length === 0 ? (
        <ErrorAlert
          error={invitations.error}
          onRetry={() => void invitations.refetch()}
          isRetrying={invitations.isFetching}
        />
      ) : (
        <>
          <TableCard minWidth={640}>
            <Table horizontalSpacing="md" verticalSpacing="sm" aria-label="Invitations">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Sent</Table.Th>
                  <Table.Th>Expires</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {invitations.rows.length === 0 ? (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <Text c="dimmed" size="sm" ta="center" py="md">
                        No invitations yet.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ) : (
                  invitations.rows.map((invitation) => (
                    <Table.Tr key={invitation.id}>
                      <Table.Td>{invitation.full_name}</Table.Td>
                      <Table.Td>{invitation.email}</Table.Td>
                      <Table.Td>{humanize(invitation.role)}</Table.Td>
                      <Table.Td>
                        <Badge color={STATUS_COLORS[invitation.status]} variant="light">
                          {humanize(invitation.status)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{formatDateTime(invitation.created_at)}</Table.Td>
                      <Table.Td>{formatDateTime(invitation.expires_at)}</Table.Td>
                    </Table.Tr>
                  ))
                )}
              </Table.Tbody>
            </Table>
          </TableCard>
          <LoadMore
            hasNextPage={invitations.hasNextPage}
            isFetchingNextPage={invitations.isFetchingNextPage}
            error={invitations.error}
            fetchNextPage={() => void invitations.fetchNextPage()}
          />
        </>
      )}
      <InviteModal
        opened={opened}
        onClose={close}
        onInvited={() => void queryClient.invalidateQueries({ queryKey: invitationsQueryKey })}
      />
    </Stack>
  );
}
