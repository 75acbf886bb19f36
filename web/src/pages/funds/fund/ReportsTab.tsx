import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  Paper,
  Progress,
  Select,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { IconDownload, IconPlayerPlay } from "@tabler/icons-react";
import { useEffect, useState } from "react";

import { errorMessage } from "../../../api/problem";
import { hasPermission, useMe } from "../../../auth/session";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { formatDate, formatDateTime, humanize } from "../../../components/formatting";
import { DateField } from "../shared/DateField";
import { previousQuarterEnd, todayIso } from "../shared/format";
import { apiLink, apiUrl, csvUrl } from "../shared/links";
import { type Fund } from "../shared/queries";
import { StatusBadge } from "../shared/StatusBadge";
import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import {
  isFinished,
  useFundStatements,
  useJob,
  useRefreshStatements,
  useStartStatementBatch,
  type Job,
  type StatementFilters,
} from "./queries";

type Statement = ReturnType<typeof useFundStatements>["rows"][number];

const STATEMENT_COLUMNS: DataTableColumn<Statement>[] = [
  {
    accessor: "period_end",
    title: "Quarter",
    render: (statement) => `${formatDate(statement.period_start)} – ${formatDate(statement.period_end)}`,
  },
  { accessor: "kind", title: "Kind", visibleFrom: "sm", render: (statement) => humanize(statement.kind) },
  { accessor: "investor_name", title: "LP", render: (statement) => statement.investor_name ?? "All LPs" },
  {
    accessor: "format",
    title: "Format",
    visibleFrom: "sm",
    render: (statement) => statement.format.toUpperCase(),
  },
  { accessor: "status", title: "Status", render: (statement) => <StatusBadge status={statement.status} /> },
  {
    accessor: "generated_at",
    title: "Made",
    visibleFrom: "md",
    render: (statement) => formatDateTime(statement.generated_at),
  },
  {
    accessor: "download_url",
    title: "File",
    render: (statement) =>
      statement.status === "ready" ? (
        <Anchor
          href={apiLink(statement.download_url)}
          download
          title={statement.filename ?? undefined}
          size="sm"
        >
          <Group gap={4} wrap="nowrap">
            <IconDownload size={14} aria-hidden /> Download
          </Group>
        </Anchor>
      ) : (
        "—"
      ),
  },
];

/** A background job followed until it ends, with its progress. */
function JobProgress({ jobId, onFinished }: { jobId: string; onFinished: (job: Job) => void }) {
  const job = useJob(jobId);
  const data = job.data;
  useEffect(() => {
    if (data && isFinished(data)) onFinished(data);
  }, [data, onFinished]);

  if (job.isError) return <ErrorAlert error={job.error} title="The job's progress could not be read" />;
  if (!data) return <Text size="sm">Starting…</Text>;
  const percent = data.percent ?? (data.status === "succeeded" ? 100 : 0);
  return (
    <Stack gap={4} data-testid="job-progress">
      <Group justify="space-between">
        <Group gap="xs">
          <StatusBadge status={data.status} />
          <Text size="sm">
            {data.progress_total !== null && data.progress_total !== undefined
              ? `${data.progress_done} of ${data.progress_total} LPs`
              : (data.message ?? "Waiting for a worker")}
          </Text>
        </Group>
        <Text size="sm" c="dimmed">
          {data.percent !== null && data.percent !== undefined ? `${data.percent}%` : ""}
        </Text>
      </Group>
      <Progress
        value={percent}
        animated={!isFinished(data)}
        color={data.status === "failed" ? "red" : undefined}
        aria-label="Statements made"
      />
      {data.error ? (
        <Alert color="red" role="alert" title="The batch failed">
          {data.error}
        </Alert>
      ) : null}
    </Stack>
  );
}

function StatementBatch({ fund }: { fund: Fund }) {
  const [periodEnd, setPeriodEnd] = useState<string | null>(previousQuarterEnd(todayIso()));
  const [formats, setFormats] = useState<string[]>(["pdf", "xlsx"]);
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useStartStatementBatch(fund.id);
  const refreshStatements = useRefreshStatements(fund.id);
  return (
    <Paper p="md">
      <Title order={4} mb={4}>
        Make the quarter&apos;s LP statements
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        Every LP&apos;s ILPA capital account statement for the quarter, made in the background. Making them
        again replaces the earlier files.
      </Text>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setJobId(null);
          start.mutate(
            { period_end: periodEnd ?? "", formats: formats as ("pdf" | "xlsx")[] },
            { onSuccess: (started) => setJobId(started.job_id) },
          );
        }}
        aria-label="Make the quarter's LP statements"
      >
        <Stack gap="sm">
          <Group align="flex-end" gap="md" wrap="wrap">
            <DateField label="Quarter ending" value={periodEnd} onChange={setPeriodEnd} w={170} />
            <Checkbox.Group label="Formats" value={formats} onChange={setFormats}>
              <Group gap="md" mt={8}>
                <Checkbox value="pdf" label="PDF" />
                <Checkbox value="xlsx" label="XLSX" />
              </Group>
            </Checkbox.Group>
            <Button
              type="submit"
              leftSection={<IconPlayerPlay size={16} />}
              loading={start.isPending}
              disabled={!periodEnd || formats.length === 0}
            >
              Make statements
            </Button>
          </Group>
          {start.isError ? (
            <Alert color="red" role="alert" title="The batch could not start">
              {errorMessage(start.error)}
            </Alert>
          ) : null}
          {jobId ? <JobProgress jobId={jobId} onFinished={() => void refreshStatements()} /> : null}
        </Stack>
      </form>
    </Paper>
  );
}

function StatementsList({ fund }: { fund: Fund }) {
  const [kind, setKind] = useState<string | null>(null);
  const [periodEnd, setPeriodEnd] = useState<string | null>(null);
  const filters: StatementFilters = {
    ...(kind ? { kind: kind as NonNullable<StatementFilters["kind"]> } : {}),
    ...(periodEnd ? { period_end: periodEnd } : {}),
  };
  const statements = useFundStatements(fund.id, filters);
  return (
    <Stack gap="sm">
      <Title order={4}>Statements and reports</Title>
      <DataTable
        label="Statements"
        columns={STATEMENT_COLUMNS}
        records={statements.rows}
        idAccessor="id"
        query={statements}
        noRecordsText="No statements yet."
        csvHref={csvUrl("/api/v1/funds/{fund_id}/statements", { fund_id: fund.id }, filters)}
        rowAttributes={() => ({ "data-testid": "statement-row" })}
        toolbar={
          <Group gap="sm" align="flex-end" wrap="wrap">
            <Select
              label="Kind"
              placeholder="Every kind"
              data={[
                { value: "capital_account", label: "LP capital account statements" },
                { value: "fund_report", label: "Quarterly fund reports" },
              ]}
              value={kind}
              onChange={setKind}
              clearable
              w={260}
            />
            <DateField label="Quarter ending" value={periodEnd} onChange={setPeriodEnd} clearable w={170} />
          </Group>
        }
      />
    </Stack>
  );
}

function QuarterlyReport({ fund }: { fund: Fund }) {
  const [periodEnd, setPeriodEnd] = useState<string | null>(previousQuarterEnd(todayIso()));
  const href = (format: "pdf" | "xlsx") =>
    apiUrl(
      "/api/v1/funds/{fund_id}/reports/quarterly",
      { fund_id: fund.id },
      { period_end: periodEnd, format },
    );
  return (
    <Paper p="md">
      <Title order={4} mb={4}>
        Quarterly fund report
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        The fund&apos;s summary, capital activity, investments and partners for a quarter, made when
        downloaded.
      </Text>
      <Group align="flex-end" gap="sm">
        <DateField label="Quarter ending" value={periodEnd} onChange={setPeriodEnd} w={170} />
        {(["pdf", "xlsx"] as const).map((format) => (
          <Button
            key={format}
            component="a"
            href={periodEnd ? href(format) : undefined}
            download
            variant="default"
            leftSection={<IconDownload size={16} />}
            disabled={!periodEnd}
          >
            {format.toUpperCase()}
          </Button>
        ))}
      </Group>
    </Paper>
  );
}

/** LP statements made in the background with their progress, the quarterly report, and every file to download. */
export function ReportsTab({ fund }: { fund: Fund }) {
  const me = useMe();
  const canMake = hasPermission(me.data, "report:write") && hasPermission(me.data, "job:read");
  const canReport = hasPermission(me.data, "performance:read");
  return (
    <Stack gap="lg">
      {canReport ? <QuarterlyReport fund={fund} /> : null}
      {canMake ? <StatementBatch fund={fund} /> : null}
      <StatementsList fund={fund} />
    </Stack>
  );
}
