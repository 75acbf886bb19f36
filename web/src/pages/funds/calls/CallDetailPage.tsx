import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowLeft, IconCheck, IconFileTypePdf, IconSend, IconX } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";

import { api, unwrap } from "../../../api/client";
import { ApiError, errorMessage } from "../../../api/problem";
import type { ResponseOf } from "../../../api/types";
import { useMe } from "../../../auth/session";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { FullPageLoader } from "../../../components/FullPageLoader";
import { PageHeader } from "../../../components/PageHeader";
import { TableCard } from "../../../components/TableCard";
import { formatDate, formatDateTime, humanize } from "../../../components/formatting";
import { formatMoney, isZero } from "../shared/format";
import { KpiCard } from "../shared/KpiCard";
import { apiUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { callKeys, fundKeys } from "../shared/queries";
import { StatusBadge } from "../shared/StatusBadge";
import { canApproveCall, canCancelCall, canIssueCall, canRecordPayment } from "./callRules";
import { EqualizationCard } from "./EqualizationCard";
import { RecordPaymentForm } from "./RecordPaymentForm";

type CallDetail = ResponseOf<"/api/v1/capital-calls/{call_id}", "get">;
type Allocation = CallDetail["allocations"][number];
type Action = "approve" | "issue" | "cancel";

const ACTION_WORDS: Record<Action, { verb: string; done: string }> = {
  approve: { verb: "approved", done: "is approved" },
  issue: { verb: "issued", done: "is issued to the LPs" },
  cancel: { verb: "cancelled", done: "is cancelled" },
};

function AllocationBadge({ call, allocation }: { call: CallDetail; allocation: Allocation }) {
  if (!["issued", "partially_paid", "paid"].includes(call.status)) {
    return (
      <Badge color="gray" variant="outline">
        Not issued
      </Badge>
    );
  }
  if (isZero(allocation.outstanding)) {
    return (
      <Badge color="teal" variant="light">
        Paid
      </Badge>
    );
  }
  if (call.is_overdue) {
    return (
      <Badge color="red" variant="filled">
        Overdue
      </Badge>
    );
  }
  if (!isZero(allocation.paid_amount)) {
    return (
      <Badge color="yellow" variant="light">
        Partially paid
      </Badge>
    );
  }
  return (
    <Badge color="blue" variant="light">
      Outstanding
    </Badge>
  );
}

function AllocationsTable({ call }: { call: CallDetail }) {
  const cur = call.currency;
  return (
    <TableCard minWidth={980}>
      <Table horizontalSpacing="md" verticalSpacing="xs" aria-label="Allocations" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>Investor</Table.Th>
            <Table.Th ta="right">Amount</Table.Th>
            <Table.Th ta="right">Equalization interest</Table.Th>
            <Table.Th ta="right">Due</Table.Th>
            <Table.Th ta="right">Paid</Table.Th>
            <Table.Th ta="right">Outstanding</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Reference</Table.Th>
            <Table.Th>Notice</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {call.allocations.map((allocation) => (
            <Table.Tr key={allocation.id} data-testid="allocation-row">
              <Table.Td>{allocation.sequence}</Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/investors/${allocation.investor_id}`} size="sm">
                  {allocation.investor_name}
                </Anchor>
              </Table.Td>
              <Table.Td ta="right">
                <Money value={allocation.amount} currency={cur} />
              </Table.Td>
              <Table.Td ta="right">
                <Money value={allocation.equalization_interest} currency={cur} />
              </Table.Td>
              <Table.Td ta="right">
                <Money value={allocation.amount_due} currency={cur} fw={600} />
              </Table.Td>
              <Table.Td ta="right">
                <Money value={allocation.paid_amount} currency={cur} />
              </Table.Td>
              <Table.Td ta="right">
                <Money value={allocation.outstanding} currency={cur} />
              </Table.Td>
              <Table.Td>
                <AllocationBadge call={call} allocation={allocation} />
              </Table.Td>
              <Table.Td>
                <Text size="xs" ff="monospace">
                  {allocation.payment_reference}
                </Text>
              </Table.Td>
              <Table.Td>
                <Anchor
                  href={apiUrl("/api/v1/capital-calls/{call_id}/notices/{investor_id}.pdf", {
                    call_id: call.id,
                    investor_id: allocation.investor_id,
                  })}
                  target="_blank"
                  rel="noopener"
                  size="sm"
                  aria-label={`Notice for ${allocation.investor_name} (PDF)`}
                >
                  <Group gap={4} wrap="nowrap">
                    <IconFileTypePdf size={16} aria-hidden /> PDF
                  </Group>
                </Anchor>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableCard>
  );
}

function History({ call }: { call: CallDetail }) {
  const steps: [string, string | null | undefined][] = [
    ["Drafted", call.created_at],
    ["Approved", call.approved_at],
    ["Issued", call.issued_at],
    ["Paid", call.paid_at],
    ["Cancelled", call.cancelled_at],
  ];
  return (
    <Group gap="lg" wrap="wrap">
      {steps
        .filter(([, when]) => when)
        .map(([label, when]) => (
          <Text size="xs" c="dimmed" key={label}>
            {label} {formatDateTime(when)}
          </Text>
        ))}
    </Group>
  );
}

/** One capital call: its figures, its workflow (approve, issue, cancel), its LPs and payments. */
export function CallDetail({ call }: { call: CallDetail }) {
  const me = useMe();
  const permissions = me.data?.permissions ?? [];
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<{ action: Action; error: unknown } | null>(null);
  const [confirmingCancel, setConfirmingCancel] = useState(false);

  const act = useMutation({
    mutationFn: (action: Action) => {
      const params = { params: { path: { call_id: call.id } } };
      if (action === "approve") return unwrap(api.POST("/api/v1/capital-calls/{call_id}/approve", params));
      if (action === "issue") return unwrap(api.POST("/api/v1/capital-calls/{call_id}/issue", params));
      return unwrap(api.POST("/api/v1/capital-calls/{call_id}/cancel", params));
    },
    onMutate: () => setFailure(null),
    onSuccess: async (updated, action) => {
      setConfirmingCancel(false);
      queryClient.setQueryData(callKeys.detail(call.id), updated);
      notifications.show({
        message: `Capital call ${updated.number} ${ACTION_WORDS[action].done}.`,
        color: "teal",
      });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: callKeys.all }),
        queryClient.invalidateQueries({ queryKey: fundKeys.all }),
      ]);
    },
    onError: (error, action) => {
      setConfirmingCancel(false);
      setFailure({ action, error });
    },
  });

  const cur = call.currency;
  const isConflict = failure?.error instanceof ApiError && failure.error.status === 409;

  return (
    <>
      <Anchor component={Link} to={`/funds/${call.fund_id}/capital-calls`} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden /> {call.fund_name}
        </Group>
      </Anchor>
      <PageHeader
        title={`Capital call ${call.number}`}
        description={`${humanize(call.purpose)} · pro rata to ${call.basis === "unfunded" ? "unfunded commitments" : "commitments"} · called ${formatDate(call.call_date)}, due ${formatDate(call.due_date)}`}
        actions={
          <Group gap="xs">
            <span data-testid="call-status">
              <StatusBadge status={call.status} />
            </span>
            {call.is_overdue ? (
              <Badge color="red" variant="filled">
                Overdue
              </Badge>
            ) : null}
          </Group>
        }
      />
      <Stack gap="md">
        <Group gap="sm">
          {canApproveCall(permissions, call) ? (
            <Button
              leftSection={<IconCheck size={16} />}
              loading={act.isPending && act.variables === "approve"}
              onClick={() => act.mutate("approve")}
            >
              Approve
            </Button>
          ) : null}
          {canIssueCall(permissions, call) ? (
            <Button
              leftSection={<IconSend size={16} />}
              loading={act.isPending && act.variables === "issue"}
              onClick={() => act.mutate("issue")}
            >
              Issue to LPs
            </Button>
          ) : null}
          {canCancelCall(permissions, call) ? (
            <Button
              variant="light"
              color="red"
              leftSection={<IconX size={16} />}
              onClick={() => setConfirmingCancel(true)}
            >
              Cancel call
            </Button>
          ) : null}
          {call.status === "draft" && !permissions.includes("capital_call:approve") ? (
            <Text size="sm" c="dimmed">
              Waiting for approval by someone holding the approval permission.
            </Text>
          ) : null}
        </Group>
        {failure ? (
          <Alert
            color={isConflict ? "orange" : "red"}
            role="alert"
            title={`The call could not be ${ACTION_WORDS[failure.action].verb}`}
            withCloseButton
            onClose={() => setFailure(null)}
          >
            {errorMessage(failure.error)}
          </Alert>
        ) : null}
        {call.description ? <Text size="sm">{call.description}</Text> : null}
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
          <KpiCard label="Amount called" value={formatMoney(call.amount, cur)} />
          <KpiCard
            label="Amount due"
            value={formatMoney(call.amount_due, cur)}
            hint="with equalization interest"
          />
          <KpiCard label="Paid" value={formatMoney(call.paid_amount, cur)} />
          <KpiCard label="Outstanding" value={formatMoney(call.outstanding, cur)} />
        </SimpleGrid>
        <History call={call} />
        <AllocationsTable call={call} />
        {call.purpose === "equalization" && call.equalization?.length ? (
          <EqualizationCard items={call.equalization} currency={cur} />
        ) : null}
        {canRecordPayment(permissions, call) ? <RecordPaymentForm call={call} /> : null}
        {["draft", "approved"].includes(call.status) ? (
          <Paper p="sm" bg="gray.0">
            <Text size="xs" c="dimmed">
              Payments are recorded once the call is issued. Notices of a call not yet issued are marked as
              drafts.
            </Text>
          </Paper>
        ) : null}
      </Stack>
      <Modal
        opened={confirmingCancel}
        onClose={() => setConfirmingCancel(false)}
        title="Cancel the capital call"
      >
        <Stack gap="md">
          <Text size="sm">
            Capital call {call.number} will be cancelled; an issued call&apos;s receivables are reversed. This
            cannot be undone.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmingCancel(false)}>
              Keep it
            </Button>
            <Button color="red" loading={act.isPending} onClick={() => act.mutate("cancel")} data-autofocus>
              Cancel call
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** `/capital-calls/:callId`. */
export function CallDetailPage() {
  const { callId = "" } = useParams();
  const call = useQuery({
    queryKey: callKeys.detail(callId),
    queryFn: () =>
      unwrap(api.GET("/api/v1/capital-calls/{call_id}", { params: { path: { call_id: callId } } })),
  });
  if (call.isPending) return <FullPageLoader label="Loading the capital call" inline />;
  if (call.isError) {
    return <ErrorAlert error={call.error} onRetry={() => void call.refetch()} isRetrying={call.isFetching} />;
  }
  return <CallDetail call={call.data} />;
}
