import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  FileInput,
  Group,
  Paper,
  Select,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { IconDownload, IconUpload } from "@tabler/icons-react";
import { useState } from "react";

import { ApiError, errorMessage } from "../../../api/problem";
import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { humanize } from "../../../components/formatting";
import { apiUrl } from "../shared/links";
import { type Fund } from "../shared/queries";
import { newIdempotencyKey } from "../shared/upload";
import { useRunImport, type ImportKind, type ImportResult } from "./queries";

const KINDS: { value: ImportKind; label: string }[] = [
  { value: "investors", label: "Investors" },
  { value: "commitments", label: "Commitments" },
  { value: "cash_flows", label: "Historical cash flows" },
];

/** The per-row problems of a refused file: `row 7: amount` → row 7, field amount. */
export function rowProblems(error: ApiError): { row: string; field: string; message: string }[] {
  return error.problem.errors.map(({ field, message }) => {
    const match = /^row (\d+)(?::\s*(.*))?$/.exec(field);
    return match ? { row: match[1] ?? "", field: match[2] ?? "", message } : { row: "", field, message };
  });
}

const IMPORTED_COLUMNS: DataTableColumn<ImportResult["items"][number]>[] = [
  { accessor: "row", title: "Row" },
  { accessor: "entity", title: "Becomes", render: (item) => humanize(item.entity) },
  { accessor: "action", title: "Action", render: (item) => humanize(item.action) },
];

const PROBLEM_COLUMNS: DataTableColumn<{ row: string; field: string; message: string }>[] = [
  { accessor: "row", title: "Row" },
  { accessor: "field", title: "Column" },
  { accessor: "message", title: "Problem" },
];

function ImportReport({ result }: { result: ImportResult }) {
  return (
    <Stack gap="sm">
      <Alert
        color={result.dry_run ? "blue" : "teal"}
        title={result.dry_run ? "Dry run: the file is valid" : "Imported"}
      >
        {result.rows} rows: {result.created} to create, {result.updated} to update, {result.unchanged}{" "}
        unchanged
        {result.dry_run ? ". Nothing was saved; import it for real when ready." : "."}
      </Alert>
      <DataTable
        label="Imported rows"
        columns={IMPORTED_COLUMNS}
        records={result.items}
        idAccessor={(item) => String(item.row)}
        verticalSpacing={4}
      />
    </Stack>
  );
}

function ImportErrors({ error }: { error: unknown }) {
  if (!(error instanceof ApiError) || error.problem.errors.length === 0) {
    return (
      <Alert color="red" role="alert" title="The file could not be imported">
        {errorMessage(error)}
      </Alert>
    );
  }
  const problems = rowProblems(error);
  return (
    <Stack gap="sm">
      <Alert color="red" role="alert" title="The file has problems; nothing was saved">
        {error.userMessage}
      </Alert>
      <DataTable
        label="Import errors"
        columns={PROBLEM_COLUMNS}
        records={problems.map((problem, index) => ({
          ...problem,
          key: `${problem.row}-${problem.field}-${index}`,
        }))}
        idAccessor="key"
        verticalSpacing={4}
        rowAttributes={() => ({ "data-testid": "import-error" })}
      />
    </Stack>
  );
}

/** Import investors, commitments or historical cash flows from CSV or XLSX, with a dry run first. */
export function ImportsTab({ fund }: { fund: Fund }) {
  const [kind, setKind] = useState<ImportKind>("investors");
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(true);
  const run = useRunImport(fund.id);
  const importFile = (upload: File, isDryRun: boolean) =>
    run.mutate({ kind, upload, isDryRun, key: newIdempotencyKey() });

  return (
    <Stack gap="md">
      <Paper p="md">
        <Title order={4} mb={4}>
          Import from a spreadsheet
        </Title>
        <Text size="xs" c="dimmed" mb="sm">
          CSV (UTF-8) or XLSX, the first row naming the columns. The whole file is checked first: a file with
          any bad row saves nothing and lists every problem.
        </Text>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (file) importFile(file, dryRun);
          }}
          aria-label="Import a file"
        >
          <Stack gap="sm">
            <Group align="flex-end" gap="sm" wrap="wrap">
              <Select
                label="What the file holds"
                allowDeselect={false}
                data={KINDS}
                value={kind}
                onChange={(value) => {
                  if (value) setKind(value as ImportKind);
                  run.reset();
                }}
                w={240}
              />
              <FileInput
                label="File"
                accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                value={file}
                onChange={(value) => {
                  setFile(value);
                  run.reset();
                }}
                clearable
                w={{ base: "100%", sm: 300 }}
              />
              <Button
                type="submit"
                leftSection={<IconUpload size={16} />}
                disabled={!file}
                loading={run.isPending}
              >
                {dryRun ? "Check the file" : "Import"}
              </Button>
            </Group>
            <Checkbox
              label="Dry run: check and try the import, save nothing"
              checked={dryRun}
              onChange={(event) => setDryRun(event.currentTarget.checked)}
            />
            <Anchor href={apiUrl("/api/v1/imports/templates/{kind}.csv", { kind })} download size="sm">
              <Group gap={4}>
                <IconDownload size={14} aria-hidden /> Template for {humanize(kind).toLowerCase()} (CSV)
              </Group>
            </Anchor>
          </Stack>
        </form>
      </Paper>
      {run.isError ? <ImportErrors error={run.error} /> : null}
      {run.data ? (
        <Stack gap="sm">
          <ImportReport result={run.data} />
          {run.data.dry_run && file ? (
            <Group>
              <Button onClick={() => importFile(file, false)} loading={run.isPending}>
                Import it now
              </Button>
            </Group>
          ) : null}
        </Stack>
      ) : null}
    </Stack>
  );
}
