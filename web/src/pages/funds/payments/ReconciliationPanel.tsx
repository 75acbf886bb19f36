import {
  Alert,
  Button,
  FileInput,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconUpload } from "@tabler/icons-react";
import { useState } from "react";

import { errorMessage } from "../../../api/problem";
import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { formatDate } from "../../../components/formatting";
import { KpiCard } from "../shared/KpiCard";
import { Money } from "../shared/Money";
import { StatusBadge } from "../shared/StatusBadge";
import { newIdempotencyKey } from "../shared/upload";
import {
  useApplyReconciliation,
  useOpenShares,
  useResolveStatementLine,
  useUploadStatement,
  type OpenShare,
  type Reconciliation,
} from "./queries";

type Line = Reconciliation["lines"][number];

function LineMatch({
  line,
  shares,
  onResolve,
  isResolving,
  canResolve,
}: {
  line: Line;
  shares: OpenShare[];
  onResolve: (allocationId: string) => void;
  isResolving: boolean;
  canResolve: boolean;
}) {
  if (line.status === "matched" || line.status === "applied") {
    return (
      <Text size="sm">
        Call {line.call_number}: {line.investor_name}
      </Text>
    );
  }
  const candidates =
    line.status === "ambiguous" && line.candidate_allocation_ids.length > 0
      ? shares.filter((share) => line.candidate_allocation_ids.includes(share.value))
      : shares;
  return canResolve ? (
    <Select
      size="xs"
      aria-label={`Match line ${line.line_no}`}
      placeholder={line.status === "ambiguous" ? "Choose among the candidates" : "Choose the share it pays"}
      data={candidates}
      disabled={isResolving}
      searchable
      onChange={(value) => value && onResolve(value)}
      w={320}
    />
  ) : (
    <Text size="sm" c="dimmed">
      {line.match_reason ?? "Not matched"}
    </Text>
  );
}

/**
 * Bank reconciliation: a statement (CSV: date, amount, reference, payer name) is matched
 * against the expected call payments; a person settles the doubtful lines, then applies it.
 */
export function ReconciliationPanel({
  fundId,
  currency,
  canWrite,
}: {
  fundId: string;
  currency: string;
  canWrite: boolean;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [reconciliation, setReconciliation] = useState<Reconciliation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const shares = useOpenShares(fundId, currency);
  const upload = useUploadStatement(fundId);
  const resolve = useResolveStatementLine();
  const apply = useApplyReconciliation();

  const match = (statement: File) => {
    setError(null);
    upload.mutate(statement, {
      onSuccess: (result) => {
        setReconciliation(result);
        setFile(null);
      },
      onError: setError,
    });
  };
  const settle = (reconciliationId: string, lineNo: number, allocationId: string) => {
    setError(null);
    resolve.mutate(
      { reconciliationId, lineNo, allocationId },
      { onSuccess: setReconciliation, onError: setError },
    );
  };
  const record = (reconciliationId: string) => {
    setError(null);
    apply.mutate(
      { reconciliationId, key: newIdempotencyKey() },
      {
        onSuccess: (result) => {
          setReconciliation(result);
          notifications.show({
            message: `${result.applied} payments are recorded from the statement.`,
            color: "teal",
          });
        },
        onError: setError,
      },
    );
  };

  const lineColumns = (current: Reconciliation): DataTableColumn<Line>[] => [
    { accessor: "line_no", title: "Line" },
    {
      accessor: "transaction_date",
      title: "Date",
      noWrap: true,
      render: (line) => formatDate(line.transaction_date),
    },
    {
      accessor: "amount",
      title: "Amount",
      textAlign: "right",
      render: (line) => <Money value={line.amount} currency={currency} />,
    },
    {
      accessor: "reference",
      title: "Reference",
      render: (line) => (
        <Text size="xs" ff="monospace">
          {line.reference ?? "—"}
        </Text>
      ),
    },
    { accessor: "payer_name", title: "Payer" },
    {
      accessor: "status",
      title: "Status",
      render: (line) => (
        <>
          <StatusBadge status={line.status} />
          {line.match_reason ? (
            <Text size="xs" c="dimmed">
              {line.match_reason}
            </Text>
          ) : null}
        </>
      ),
    },
    {
      accessor: "match",
      title: "Match",
      render: (line) => (
        <LineMatch
          line={line}
          shares={shares}
          canResolve={canWrite && current.status !== "applied"}
          isResolving={resolve.isPending}
          onResolve={(allocationId) => settle(current.id, line.line_no, allocationId)}
        />
      ),
    },
  ];

  return (
    <Stack gap="md">
      {canWrite ? (
        <Paper p="md">
          <Title order={4} mb={4}>
            Reconcile a bank statement
          </Title>
          <Text size="xs" c="dimmed" mb="sm">
            A CSV with the columns date, amount, reference and payer name. Lines are matched to the open
            shares of issued calls by reference, amount and payer; nothing is recorded until you apply.
          </Text>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (file) match(file);
            }}
            aria-label="Upload a bank statement"
          >
            <Group align="flex-end" gap="sm">
              <FileInput
                label="Bank statement (CSV)"
                accept=".csv,text/csv"
                value={file}
                onChange={setFile}
                clearable
                w={{ base: "100%", sm: 320 }}
              />
              <Button
                type="submit"
                leftSection={<IconUpload size={16} />}
                disabled={!file}
                loading={upload.isPending}
              >
                Match lines
              </Button>
            </Group>
          </form>
        </Paper>
      ) : null}
      {error ? (
        <Alert color="red" role="alert" title="The reconciliation failed">
          {errorMessage(error)}
        </Alert>
      ) : null}
      {reconciliation ? (
        <Stack gap="sm" aria-label="Reconciliation result">
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
            <KpiCard label="Matched" value={String(reconciliation.matched)} />
            <KpiCard label="Ambiguous" value={String(reconciliation.ambiguous)} />
            <KpiCard label="Unmatched" value={String(reconciliation.unmatched)} />
            <KpiCard label="Applied" value={String(reconciliation.applied)} />
          </SimpleGrid>
          <DataTable
            label="Statement lines"
            columns={lineColumns(reconciliation)}
            records={reconciliation.lines}
            idAccessor={(line) => String(line.line_no)}
            minWidth={900}
            rowAttributes={() => ({ "data-testid": "statement-line" })}
            cardsBelow="sm"
          />
          {canWrite && reconciliation.status !== "applied" ? (
            <Group justify="flex-end">
              <Button
                onClick={() => record(reconciliation.id)}
                loading={apply.isPending}
                disabled={reconciliation.matched === 0}
              >
                Record {reconciliation.matched} matched payments
              </Button>
            </Group>
          ) : null}
        </Stack>
      ) : null}
    </Stack>
  );
}
