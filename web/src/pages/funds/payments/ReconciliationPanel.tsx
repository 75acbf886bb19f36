import {
  Alert,
  Button,
  FileInput,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconUpload } from "@tabler/icons-react";
import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap } from "../../../api/client";
import { errorMessage } from "../../../api/problem";
import type { ResponseOf } from "../../../api/types";
import { TableCard } from "../../../components/TableCard";
import { formatDate } from "../../../components/formatting";
import { formatMoney, isZero } from "../shared/format";
import { KpiCard } from "../shared/KpiCard";
import { Money } from "../shared/Money";
import { PICKER_LIMIT } from "../shared/queries";
import { StatusBadge } from "../shared/StatusBadge";
import { fileUpload, newIdempotencyKey } from "../shared/upload";
import { callKeys, fundKeys, paymentKeys } from "../../../api/queryKeys";

type Reconciliation = ResponseOf<"/api/v1/reconciliations/{reconciliation_id}", "get">;
type Line = Reconciliation["lines"][number];

interface OpenShare {
  value: string;
  label: string;
}

/** The fund's open shares of issued calls, each labelled for a person choosing a match. */
function useOpenShares(fundId: string, currency: string) {
  const calls = useQuery({
    queryKey: [...callKeys.all, "list", { fund_id: fundId, open: true }],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/capital-calls", { params: { query: { fund_id: fundId, limit: PICKER_LIMIT } } }),
      ),
    select: (page) =>
      page.items.filter((call) => call.status === "issued" || call.status === "partially_paid"),
  });
  const details = useQueries({
    queries: (calls.data ?? []).map((call) => ({
      queryKey: callKeys.detail(call.id),
      queryFn: () =>
        unwrap(api.GET("/api/v1/capital-calls/{call_id}", { params: { path: { call_id: call.id } } })),
    })),
  });
  const shares: OpenShare[] = [];
  for (const detail of details) {
    for (const allocation of detail.data?.allocations ?? []) {
      if (isZero(allocation.outstanding)) continue;
      shares.push({
        value: allocation.id,
        label: `Call ${detail.data?.number}: ${allocation.investor_name}, ${formatMoney(allocation.outstanding, currency)} open (${allocation.payment_reference})`,
      });
    }
  }
  return shares;
}

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
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [reconciliation, setReconciliation] = useState<Reconciliation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const shares = useOpenShares(fundId, currency);

  const upload = useMutation({
    mutationFn: (statement: File) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/reconciliations", {
          params: { path: { fund_id: fundId } },
          ...fileUpload(statement),
        }),
      ),
    onMutate: () => setError(null),
    onSuccess: (result) => {
      setReconciliation(result);
      setFile(null);
    },
    onError: setError,
  });
  const resolve = useMutation({
    mutationFn: ({ lineNo, allocationId }: { lineNo: number; allocationId: string }) =>
      unwrap(
        api.PATCH("/api/v1/reconciliations/{reconciliation_id}/lines/{line_no}", {
          params: { path: { reconciliation_id: reconciliation?.id ?? "", line_no: lineNo } },
          body: { call_allocation_id: allocationId },
        }),
      ),
    onMutate: () => setError(null),
    onSuccess: setReconciliation,
    onError: setError,
  });
  const apply = useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.POST("/api/v1/reconciliations/{reconciliation_id}/apply", {
          params: { path: { reconciliation_id: id }, header: { "Idempotency-Key": newIdempotencyKey() } },
        }),
      ),
    onMutate: () => setError(null),
    onSuccess: async (result) => {
      setReconciliation(result);
      notifications.show({
        message: `${result.applied} payments are recorded from the statement.`,
        color: "teal",
      });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: paymentKeys.all }),
        queryClient.invalidateQueries({ queryKey: callKeys.all }),
        queryClient.invalidateQueries({ queryKey: fundKeys.all }),
      ]);
    },
    onError: setError,
  });

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
              if (file) upload.mutate(file);
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
          <TableCard minWidth={900}>
            <Table horizontalSpacing="md" verticalSpacing="xs" aria-label="Statement lines">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Line</Table.Th>
                  <Table.Th>Date</Table.Th>
                  <Table.Th ta="right">Amount</Table.Th>
                  <Table.Th>Reference</Table.Th>
                  <Table.Th>Payer</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Match</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {reconciliation.lines.map((line) => (
                  <Table.Tr key={line.line_no} data-testid="statement-line">
                    <Table.Td>{line.line_no}</Table.Td>
                    <Table.Td>{formatDate(line.transaction_date)}</Table.Td>
                    <Table.Td ta="right">
                      <Money value={line.amount} currency={currency} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" ff="monospace">
                        {line.reference ?? "—"}
                      </Text>
                    </Table.Td>
                    <Table.Td>{line.payer_name ?? "—"}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={line.status} />
                      {line.match_reason ? (
                        <Text size="xs" c="dimmed">
                          {line.match_reason}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <LineMatch
                        line={line}
                        shares={shares}
                        canResolve={canWrite && reconciliation.status !== "applied"}
                        isResolving={resolve.isPending}
                        onResolve={(allocationId) => resolve.mutate({ lineNo: line.line_no, allocationId })}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableCard>
          {canWrite && reconciliation.status !== "applied" ? (
            <Group justify="flex-end">
              <Button
                onClick={() => apply.mutate(reconciliation.id)}
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
