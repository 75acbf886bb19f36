import {
  Alert,
  Button,
  Code,
  Group,
  Modal,
  MultiSelect,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
  VisuallyHidden,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconKey, IconPlus, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap } from "../../api/client";
import { useCursorList } from "../../api/pagination";
import { applyProblemToForm } from "../../api/forms";
import { errorMessage } from "../../api/problem";
import type { ResponseOf } from "../../api/types";
import { CopyValueButton } from "../../components/CopyValueButton";
import { ErrorAlert } from "../../components/ErrorAlert";
import { LoadMore } from "../../components/LoadMore";
import { TableSkeleton } from "../../components/TableSkeleton";
import { formatDateTime } from "../../components/formatting";
import { SectionCard } from "./SectionCard";

type ApiKey = ResponseOf<"/api/v1/api-keys", "get">["items"][number];
type CreatedKey = ResponseOf<"/api/v1/api-keys", "post">;

const apiKeysQueryKey = ["api-keys"] as const;

const EXPIRY_OPTIONS = [
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In a year" },
  { value: "never", label: "Never" },
];

function expiryDate(option: string): string | null {
  const days = Number(option);
  if (!Number.isFinite(days)) return null;
  return new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString();
}

export function ApiKeysCard({ permissions }: { permissions: readonly string[] }) {
  const queryClient = useQueryClient();
  const [createOpened, createModal] = useDisclosure(false);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const keys = useCursorList(apiKeysQueryKey, (cursor) =>
    unwrap(api.GET("/api/v1/api-keys", { params: { query: cursor ? { cursor } : {} } })),
  );

  const revoke = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/api/v1/api-keys/{key_id}", { params: { path: { key_id: id } } })),
    onSuccess: async () => {
      setRevoking(null);
      notifications.show({ message: "The key is revoked.", color: "teal" });
      await queryClient.invalidateQueries({ queryKey: apiKeysQueryKey });
    },
    onError: (error) =>
      notifications.show({ title: "Could not revoke the key", message: errorMessage(error), color: "red" }),
  });

  let content;
  if (keys.isPending) {
    content = <TableSkeleton rows={2} label="Loading API keys" />;
  } else if (keys.isError && keys.rows.length === 0) {
    content = (
      <ErrorAlert error={keys.error} onRetry={() => void keys.refetch()} isRetrying={keys.isFetching} />
    );
  } else if (keys.rows.length === 0) {
    content = (
      <Text size="sm" c="dimmed">
        You have no API keys.
      </Text>
    );
  } else {
    content = (
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="xs" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Key</Table.Th>
              <Table.Th>Permissions</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.rows.map((key) => (
              <Table.Tr key={key.id}>
                <Table.Td>{key.name}</Table.Td>
                <Table.Td>
                  <Code>fh_{key.prefix}_…</Code>
                </Table.Td>
                <Table.Td>
                  <Tooltip label={key.scopes.join(", ")} multiline w={320} withArrow>
                    <Text size="sm" td="underline dotted" style={{ cursor: "help" }} tabIndex={0}>
                      {key.scopes.length === 1 ? key.scopes[0] : `${key.scopes.length} permissions`}
                    </Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td>{formatDateTime(key.created_at)}</Table.Td>
                <Table.Td>{key.expires_at ? formatDateTime(key.expires_at) : "Never"}</Table.Td>
                <Table.Td>{key.last_used_at ? formatDateTime(key.last_used_at) : "Never"}</Table.Td>
                <Table.Td ta="right">
                  <Button
                    size="xs"
                    color="red"
                    variant="subtle"
                    leftSection={<IconTrash size={14} />}
                    onClick={() => setRevoking(key)}
                    aria-label={`Revoke ${key.name}`}
                  >
                    Revoke
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }
  const more = (
    <LoadMore
      hasNextPage={keys.hasNextPage}
      isFetchingNextPage={keys.isFetchingNextPage}
      error={keys.rows.length > 0 ? keys.error : null}
      fetchNextPage={() => void keys.fetchNextPage()}
    />
  );

  return (
    <SectionCard
      title="API keys"
      description="Keys let scripts and integrations call the API as you, in this organization."
    >
      {created ? (
        <Alert color="teal" icon={<IconKey size={18} />} title={`Key "${created.name}" created`}>
          <Stack gap="xs">
            <Text size="sm">Copy it now: it is shown only once.</Text>
            <Group gap="xs" wrap="nowrap">
              <Code fz="sm" data-testid="new-api-key" style={{ wordBreak: "break-all" }}>
                {created.key}
              </Code>
              <CopyValueButton value={created.key} label="Copy API key" compact />
            </Group>
            <Button size="xs" variant="white" w="fit-content" onClick={() => setCreated(null)}>
              Done
            </Button>
          </Stack>
        </Alert>
      ) : null}
      {content}
      {more}
      <Group>
        <Button leftSection={<IconPlus size={16} />} variant="light" onClick={createModal.open}>
          New API key
        </Button>
      </Group>

      <CreateKeyModal
        permissions={permissions}
        opened={createOpened}
        onClose={createModal.close}
        onCreated={async (key) => {
          createModal.close();
          setCreated(key);
          await queryClient.invalidateQueries({ queryKey: apiKeysQueryKey });
        }}
      />

      <Modal opened={revoking !== null} onClose={() => setRevoking(null)} title="Revoke API key">
        <Stack gap="md">
          <Text size="sm">
            Integrations using <strong>{revoking?.name}</strong> stop working at once. This cannot be undone.
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setRevoking(null)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={revoke.isPending}
              onClick={() => revoking && revoke.mutate(revoking.id)}
            >
              Revoke key
            </Button>
          </Group>
        </Stack>
      </Modal>
    </SectionCard>
  );
}

function CreateKeyModal({
  permissions,
  opened,
  onClose,
  onCreated,
}: {
  permissions: readonly string[];
  opened: boolean;
  onClose: () => void;
  onCreated: (key: CreatedKey) => Promise<void>;
}) {
  const [message, setMessage] = useState<string | null>(null);
  const form = useForm({
    mode: "controlled",
    initialValues: { name: "", scopes: [] as string[], expires: "90" },
    validate: {
      name: (value) => (value.trim() ? null : "Name the key after what will use it."),
      scopes: (value) => (value.length > 0 ? null : "Choose at least one permission."),
    },
  });

  const create = useMutation({
    mutationFn: (values: { name: string; scopes: string[]; expires: string }) =>
      unwrap(
        api.POST("/api/v1/api-keys", {
          body: { name: values.name.trim(), scopes: values.scopes, expires_at: expiryDate(values.expires) },
        }),
      ),
    onSuccess: async (key) => {
      form.reset();
      await onCreated(key);
    },
    onError: (error) => setMessage(applyProblemToForm(form, error)),
  });

  return (
    <Modal opened={opened} onClose={onClose} title="New API key">
      <form
        onSubmit={form.onSubmit((values) => {
          setMessage(null);
          create.mutate(values);
        })}
        noValidate
      >
        <Stack gap="sm">
          {message ? (
            <Alert color="red" role="alert">
              {message}
            </Alert>
          ) : null}
          <TextInput
            label="Name"
            description="For example: the accounting export."
            required
            data-autofocus
            {...form.getInputProps("name")}
          />
          <MultiSelect
            label="Permissions"
            description="The key can do only this, and never more than you can."
            data={permissions.map((permission) => ({ value: permission, label: permission }))}
            searchable
            required
            {...form.getInputProps("scopes")}
          />
          <Group gap="xs">
            <Button
              size="compact-xs"
              variant="subtle"
              onClick={() =>
                form.setFieldValue(
                  "scopes",
                  permissions.filter((permission) => permission.endsWith(":read")),
                )
              }
            >
              Read-only
            </Button>
            <Button
              size="compact-xs"
              variant="subtle"
              onClick={() => form.setFieldValue("scopes", [...permissions])}
            >
              All my permissions
            </Button>
          </Group>
          <Select
            label="Expires"
            data={EXPIRY_OPTIONS}
            allowDeselect={false}
            {...form.getInputProps("expires")}
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create key
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
