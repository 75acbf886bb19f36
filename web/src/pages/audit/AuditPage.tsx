import {
  ActionIcon,
  Alert,
  Button,
  Code,
  Group,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  VisuallyHidden,
} from "@mantine/core";
import { DateTimePicker } from "@mantine/dates";
import { useDebouncedValue } from "@mantine/hooks";
import { IconChevronDown, IconChevronRight, IconShieldCheck, IconShieldX } from "@tabler/icons-react";
import { useState } from "react";

import { DataTable, type DataTableColumn } from "../../components/DataTable";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PageHeader } from "../../components/PageHeader";
import { formatDateTime } from "../../components/formatting";
import {
  useAuditRecords,
  useVerifyAuditChain,
  type AuditFilters,
  type AuditRecord,
  type ChainReport,
} from "./queries";

const PAGE_SIZE = 50;

/** A picked date-time as the API's timezone-aware ISO 8601, or nothing. */
function toIso(value: string | null): string | undefined {
  if (!value) return undefined;
  const date = new Date(value.replace(" ", "T"));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function JsonBlock({ label, value }: { label: string; value: unknown }) {
  return (
    <Stack gap={4}>
      <Text size="xs" fw={700} tt="uppercase" c="dimmed">
        {label}
      </Text>
      {value === null || value === undefined ? (
        <Text size="sm" c="dimmed">
          Nothing
        </Text>
      ) : (
        <Code block fz="xs" mah={360} style={{ overflow: "auto" }}>
          {JSON.stringify(value, null, 2)}
        </Code>
      )}
    </Stack>
  );
}

function RecordDetails({ record }: { record: AuditRecord }) {
  return (
    <Stack gap="sm" p="sm">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <JsonBlock label="Before" value={record.before} />
        <JsonBlock label="After" value={record.after} />
      </SimpleGrid>
      <Group gap="lg" wrap="wrap">
        <Text size="xs" c="dimmed">
          Via: {record.via ?? "—"}
        </Text>
        <Text size="xs" c="dimmed">
          IP: {record.ip ?? "—"}
        </Text>
        <Text size="xs" c="dimmed">
          Request: {record.request_id ?? "—"}
        </Text>
      </Group>
    </Stack>
  );
}

function ChainVerificationResult({ error, report }: { error: unknown; report: ChainReport | undefined }) {
  return (
    <>
      {error ? <ErrorAlert error={error} title="Verification could not run" /> : null}
      {report ? (
        report.ok ? (
          <Alert
            color="teal"
            icon={<IconShieldCheck size={18} />}
            title="The audit chain is intact"
            role="status"
          >
            {report.checked} records checked; none was altered, removed or reordered.
          </Alert>
        ) : (
          <Alert color="red" icon={<IconShieldX size={18} />} title="The audit chain is broken" role="alert">
            At record #{report.broken_seq ?? "?"}: {report.reason ?? "the chain does not match"} (
            {report.checked} records checked before it).
          </Alert>
        )
      ) : null}
    </>
  );
}

export default function AuditPage() {
  const [action, setAction] = useState("");
  const [entityType, setEntityType] = useState("");
  const [since, setSince] = useState<string | null>(null);
  const [until, setUntil] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [debounced] = useDebouncedValue({ action: action.trim(), entityType: entityType.trim() }, 300);

  const sinceIso = toIso(since);
  const untilIso = toIso(until);
  const filters: AuditFilters = {
    limit: PAGE_SIZE,
    ...(debounced.action ? { action: debounced.action } : {}),
    ...(debounced.entityType ? { entity_type: debounced.entityType } : {}),
    ...(sinceIso ? { since: sinceIso } : {}),
    ...(untilIso ? { until: untilIso } : {}),
  };

  const records = useAuditRecords(filters);
  const verify = useVerifyAuditChain();

  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const detailsId = (record: AuditRecord) => `audit-details-${record.id}`;
  const columns: DataTableColumn<AuditRecord>[] = [
    {
      accessor: "details",
      title: <VisuallyHidden>Details</VisuallyHidden>,
      width: 40,
      render: (record) => {
        const isOpen = expanded.has(record.id);
        return (
          <ActionIcon
            variant="subtle"
            color="gray"
            onClick={() => toggle(record.id)}
            aria-expanded={isOpen}
            aria-controls={detailsId(record)}
            aria-label={`${isOpen ? "Hide" : "Show"} details of record ${record.seq}`}
          >
            {isOpen ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
          </ActionIcon>
        );
      },
    },
    {
      accessor: "seq",
      title: "#",
      width: 70,
      visibleFrom: "sm",
      render: (record) => (
        <Text size="sm" c="dimmed">
          {record.seq}
        </Text>
      ),
    },
    {
      accessor: "occurred_at",
      title: "When",
      render: (record) => (
        <Text size="sm" style={{ whiteSpace: "nowrap" }}>
          {formatDateTime(record.occurred_at)}
        </Text>
      ),
    },
    {
      accessor: "action",
      title: "Action",
      render: (record) => (
        <Code fz="xs" style={{ wordBreak: "break-word" }}>
          {record.action}
        </Code>
      ),
    },
    {
      accessor: "entity_type",
      title: "Entity",
      visibleFrom: "sm",
      render: (record) => (
        <>
          <Text size="sm">{record.entity_type ?? "—"}</Text>
          {record.entity_id ? (
            <Text size="xs" c="dimmed" ff="monospace">
              {record.entity_id}
            </Text>
          ) : null}
        </>
      ),
    },
    {
      accessor: "actor_label",
      title: "By",
      visibleFrom: "md",
      render: (record) => <Text size="sm">{record.actor_label ?? "System"}</Text>,
    },
  ];

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change to business and personal data and every security event, hash-chained so tampering shows."
        actions={
          <Button
            variant="light"
            leftSection={<IconShieldCheck size={16} />}
            loading={verify.isPending}
            onClick={() => verify.mutate()}
          >
            Verify chain
          </Button>
        }
      />
      <Stack gap="md">
        <ChainVerificationResult error={verify.error} report={verify.data} />
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label="Action"
            placeholder="e.g. user.login"
            value={action}
            onChange={(event) => setAction(event.currentTarget.value)}
            w={{ base: "100%", sm: 200 }}
          />
          <TextInput
            label="Entity type"
            placeholder="e.g. users"
            value={entityType}
            onChange={(event) => setEntityType(event.currentTarget.value)}
            w={{ base: "100%", sm: 180 }}
          />
          <DateTimePicker
            label="Since"
            placeholder="Any time"
            value={since}
            onChange={setSince}
            clearable
            valueFormat="YYYY-MM-DD HH:mm"
            w={{ base: "100%", sm: 190 }}
          />
          <DateTimePicker
            label="Until"
            placeholder="Now"
            value={until}
            onChange={setUntil}
            clearable
            valueFormat="YYYY-MM-DD HH:mm"
            w={{ base: "100%", sm: 190 }}
          />
        </Group>

        <DataTable
          label="Audit records"
          columns={columns}
          records={records.rows}
          idAccessor="id"
          query={records}
          noRecordsText="No audit records match these filters."
          rowAttributes={() => ({ "data-testid": "audit-row" })}
          rowExpansion={{
            isExpanded: (record) => expanded.has(record.id),
            content: (record) => <RecordDetails record={record} />,
            id: detailsId,
          }}
        />
      </Stack>
    </>
  );
}
