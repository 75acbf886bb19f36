import {
  ActionIcon,
  Alert,
  Button,
  Code,
  Collapse,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from "@mantine/core";
import { DateTimePicker } from "@mantine/dates";
import { useDebouncedValue } from "@mantine/hooks";
import { IconChevronDown, IconChevronRight, IconShieldCheck, IconShieldX } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { Fragment, useState } from "react";

import { api, unwrap } from "../../api/client";
import { useCursorList } from "../../api/pagination";
import type { QueryOf, ResponseOf } from "../../api/types";
import { ErrorAlert } from "../../components/ErrorAlert";
import { LoadMore } from "../../components/LoadMore";
import { PageHeader } from "../../components/PageHeader";
import { TableCard } from "../../components/TableCard";
import { TableSkeleton } from "../../components/TableSkeleton";
import { formatDateTime } from "../../components/formatting";

type AuditRecord = ResponseOf<"/api/v1/audit", "get">["items"][number];
type AuditFilters = QueryOf<"/api/v1/audit", "get">;

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

type ChainReport = ResponseOf<"/api/v1/audit/verify", "get">;

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

  const records = useCursorList(["audit", filters], (cursor) =>
    unwrap(api.GET("/api/v1/audit", { params: { query: { ...filters, ...(cursor ? { cursor } : {}) } } })),
  );

  const verify = useMutation({ mutationFn: () => unwrap(api.GET("/api/v1/audit/verify")) });

  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const rows = records.rows;

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

        {records.isPending ? (
          <TableSkeleton label="Loading audit records" rows={8} />
        ) : records.isError && rows.length === 0 ? (
          <ErrorAlert
            error={records.error}
            onRetry={() => void records.refetch()}
            isRetrying={records.isFetching}
          />
        ) : (
          <>
            <TableCard minWidth={820}>
              <Table
                horizontalSpacing="md"
                verticalSpacing="xs"
                aria-label="Audit records"
                aria-busy={records.isFetching}
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={40}>
                      <VisuallyHidden>Details</VisuallyHidden>
                    </Table.Th>
                    <Table.Th w={70}>#</Table.Th>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Action</Table.Th>
                    <Table.Th>Entity</Table.Th>
                    <Table.Th>By</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.length === 0 ? (
                    <Table.Tr>
                      <Table.Td colSpan={6}>
                        <Text c="dimmed" size="sm" ta="center" py="md">
                          No audit records match these filters.
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ) : (
                    rows.map((record) => {
                      const isOpen = expanded.has(record.id);
                      const detailsId = `audit-details-${record.id}`;
                      return (
                        <Fragment key={record.id}>
                          <Table.Tr data-testid="audit-row">
                            <Table.Td>
                              <ActionIcon
                                variant="subtle"
                                color="gray"
                                onClick={() => toggle(record.id)}
                                aria-expanded={isOpen}
                                aria-controls={detailsId}
                                aria-label={`${isOpen ? "Hide" : "Show"} details of record ${record.seq}`}
                              >
                                {isOpen ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
                              </ActionIcon>
                            </Table.Td>
                            <Table.Td>
                              <Text size="sm" c="dimmed">
                                {record.seq}
                              </Text>
                            </Table.Td>
                            <Table.Td>
                              <Text size="sm" style={{ whiteSpace: "nowrap" }}>
                                {formatDateTime(record.occurred_at)}
                              </Text>
                            </Table.Td>
                            <Table.Td>
                              <Code fz="xs">{record.action}</Code>
                            </Table.Td>
                            <Table.Td>
                              <Text size="sm">{record.entity_type ?? "—"}</Text>
                              {record.entity_id ? (
                                <Text size="xs" c="dimmed" ff="monospace">
                                  {record.entity_id}
                                </Text>
                              ) : null}
                            </Table.Td>
                            <Table.Td>
                              <Text size="sm">{record.actor_label ?? "System"}</Text>
                            </Table.Td>
                          </Table.Tr>
                          <Table.Tr id={detailsId} style={isOpen ? undefined : { display: "none" }}>
                            <Table.Td colSpan={6} bg="gray.0">
                              <Collapse in={isOpen}>
                                {isOpen ? <RecordDetails record={record} /> : null}
                              </Collapse>
                            </Table.Td>
                          </Table.Tr>
                        </Fragment>
                      );
                    })
                  )}
                </Table.Tbody>
              </Table>
            </TableCard>
            <LoadMore
              hasNextPage={records.hasNextPage}
              isFetchingNextPage={records.isFetchingNextPage}
              error={records.error}
              fetchNextPage={() => void records.fetchNextPage()}
            />
          </>
        )}
      </Stack>
    </>
  );
}
