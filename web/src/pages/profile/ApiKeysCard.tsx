import {
  Alert,
  Button,
  Code,
  Group,
  Modal,
  MultiSelect,
  Select,
  Stack,
  Text,
  TextInput,
  Tooltip,
  VisuallyHidden,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconKey, IconPlus, IconTrash } from "@tabler/icons-react";
import { useState } from "react";

import { applyProblemToForm } from "../../api/forms";
import { errorMessage } from "../../api/problem";
import { CopyValueButton } from "../../components/CopyValueButton";
import { DataTable, type DataTableColumn } from "../../components/DataTable";
import { formatDateTime } from "../../components/formatting";
import { useApiKeys, useCreateApiKey, useRevokeApiKey, type ApiKey, type CreatedKey } from "./queries";
import { SectionCard } from "./SectionCard";

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

function keyColumns(onRevoke: (key: ApiKey) => void): DataTableColumn<ApiKey>[] {
  return [
    { accessor: "name", title: "Name" },
    { accessor: "prefix", title: "Key", render: (key) => <Code>fh_{key.prefix}_…</Code> },
    {
      accessor: "scopes",
      title: "Permissions",
      render: (key) => (
        <Tooltip label={key.scopes.join(", ")} multiline w={320} withArrow>
          <Text size="sm" td="underline dotted" style={{ cursor: "help" }} tabIndex={0}>
            {key.scopes.length === 1 ? key.scopes[0] : `${key.scopes.length} permissions`}
          </Text>
        </Tooltip>
      ),
    },
    { accessor: "created_at", title: "Created", render: (key) => formatDateTime(key.created_at) },
    {
      accessor: "expires_at",
      title: "Expires",
      render: (key) => (key.expires_at ? formatDateTime(key.expires_at) : "Never"),
    },
    {
      accessor: "last_used_at",
      title: "Last used",
      render: (key) => (key.last_used_at ? formatDateTime(key.last_used_at) : "Never"),
    },
    {
      accessor: "actions",
      title: <VisuallyHidden>Actions</VisuallyHidden>,
      textAlign: "right",
      render: (key) => (
        <Button
          size="xs"
          color="red"
          variant="subtle"
          leftSection={<IconTrash size={14} />}
          onClick={() => onRevoke(key)}
          aria-label={`Revoke ${key.name}`}
        >
          Revoke
        </Button>
      ),
    },
  ];
}

export function ApiKeysCard({ permissions }: { permissions: readonly string[] }) {
  const [createOpened, createModal] = useDisclosure(false);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const keys = useApiKeys();
  const revoke = useRevokeApiKey();
  const revokeKey = (id: string) =>
    revoke.mutate(id, {
      onSuccess: () => {
        setRevoking(null);
        notifications.show({ message: "The key is revoked.", color: "teal" });
      },
      onError: (error) =>
        notifications.show({ title: "Could not revoke the key", message: errorMessage(error), color: "red" }),
    });

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
      <DataTable
        label="API keys"
        columns={keyColumns(setRevoking)}
        records={keys.rows}
        idAccessor="id"
        query={keys}
        noRecordsText="You have no API keys."
        minWidth={760}
        withCard={false}
        cardsBelow="sm"
      />
      <Group>
        <Button leftSection={<IconPlus size={16} />} variant="light" onClick={createModal.open}>
          New API key
        </Button>
      </Group>

      <CreateKeyModal
        permissions={permissions}
        opened={createOpened}
        onClose={createModal.close}
        onCreated={(key) => {
          createModal.close();
          setCreated(key);
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
            <Button color="red" loading={revoke.isPending} onClick={() => revoking && revokeKey(revoking.id)}>
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
  onCreated: (key: CreatedKey) => void;
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

  const create = useCreateApiKey();
  const submit = (values: { name: string; scopes: string[]; expires: string }) =>
    create.mutate(
      { name: values.name.trim(), scopes: values.scopes, expires_at: expiryDate(values.expires) },
      {
        onSuccess: (key) => {
          form.reset();
          onCreated(key);
        },
        onError: (error) => setMessage(applyProblemToForm(form, error)),
      },
    );

  return (
    <Modal opened={opened} onClose={onClose} title="New API key">
      <form
        onSubmit={form.onSubmit((values) => {
          setMessage(null);
          submit(values);
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
