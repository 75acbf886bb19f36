import { Alert, Anchor, Badge, Button, Group, Modal, Paper, SimpleGrid, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowLeft, IconCheck, IconFileTypePdf, IconSend, IconX } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useParams } from "react-router";

import { ApiError, errorMessage } from "../../../api/problem";
import { useMe } from "../../../auth/session";
import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { FullPageLoader } from "../../../components/FullPageLoader";
import { PageHeader } from "../../../components/PageHeader";
import { formatDate, formatDateTime, humanize } from "../../../components/formatting";
import { formatMoney, isZero } from "../shared/format";
import { KpiCard } from "../shared/KpiCard";
import { apiUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { StatusBadge } from "../shared/StatusBadge";
import { canApproveCall, canCancelCall, canIssueCall, canRecordPayment, isCallAuthor } from "./callRules";
import { EqualizationCard } from "./EqualizationCard";
import { useCall, useCallAction, type CallAction, type CallDetail as CallData } from "./queries";
import { RecordPaymentForm } from "./RecordPaymentForm";

type CallDetail = CallData;
type Allocation = CallDetail["allocations"][number];
const ACTION_WORDS: Record<CallAction, { verb: string; done: string }> = {
  approve: { verb: "approved", done: "is approved" },
  issue: { verb: "issued", done: "is issued to the LPs" },
  cancel: { verb: "cancelled", done: "is cancelled" },
};

/** `1 notice`, `12 notices`. */
function noticeCount(count: number): string {
  return `${count} ${count === 1 ? "notice" : "notices"}`;
}

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

function allocationColumns(call: CallDetail): DataTableColumn<Allocation>[] {
  const cur = call.currency;
  return [
    { accessor: "sequence", title: "#" },
    {
      accessor: "investor_name",
      title: "Investor",
      render: (allocation) => (
        <Anchor component={Link} to={`/investors/${allocation.investor_id}`} size="sm">
          {allocation.investor_name}
        </Anchor>
      ),
    },
    {
      accessor: "amount",
      title: "Amount",
      textAlign: "right",
      visibleFrom: "md",
      render: (allocation) => <Money value={allocation.amount} currency={cur} />,
    },
    {
      accessor: "equalization_interest",
      title: "Equalization interest",
      textAlign: "right",
      visibleFrom: "md",
      render: (allocation) => <Money value={allocation.equalization_interest} currency={cur} />,
    },
    {
      accessor: "amount_due",
      title: "Due",
      textAlign: "right",
      render: (allocation) => <Money value={allocation.amount_due} currency={cur} fw={600} />,
    },
    {
      accessor: "paid_amount",
      title: "Paid",
      textAlign: "right",
      visibleFrom: "sm",
      render: (allocation) => <Money value={allocation.paid_amount} currency={cur} />,
    },
    {
      accessor: "outstanding",
      title: "Outstanding",
      textAlign: "right",
      visibleFrom: "sm",
      render: (allocation) => <Money value={allocation.outstanding} currency={cur} />,
    },
    {
      accessor: "status",
      title: "Status",
      render: (allocation) => <AllocationBadge call={call} allocation={allocation} />,
    },
    {
      accessor: "payment_reference",
      title: "Reference",
      visibleFrom: "md",
      render: (allocation) => (
        <Text size="xs" ff="monospace">
          {allocation.payment_reference}
        </Text>
      ),
    },
    {
      accessor: "notice",
      title: "Notice",
      render: (allocation) => (
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
      ),
    },
  ];
}

function AllocationsTable({ call }: { call: CallDetail }) {
  return (
    <DataTable
      label="Allocations"
      columns={allocationColumns(call)}
      records={call.allocations}
      idAccessor="id"
      noRecordsText="No LP is allocated a share of this call."
      rowAttributes={() => ({ "data-testid": "allocation-row" })}
    />
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
  const userId = me.data?.user.id;
  const [failure, setFailure] = useState<{ action: CallAction; error: unknown } | null>(null);
  const [confirming, setConfirming] = useState<"issue" | "cancel" | null>(null);
  const [issuedNotices, setIssuedNotices] = useState<number | null>(null);
  const act = useCallAction(call.id);

  function run(action: CallAction) {
    setFailure(null);
    act.mutate(action, {
      onSuccess: (updated) => {
        setConfirming(null);
        const notices = action === "issue" ? updated.allocations.length : null;
        setIssuedNotices(notices);
        notifications.show({
          message:
            notices === null
              ? `Capital call ${updated.number} ${ACTION_WORDS[action].done}.`
              : `Capital call ${updated.number} ${ACTION_WORDS[action].done}: ${noticeCount(notices)} issued.`,
          color: "teal",
        });
      },
      onError: (error) => {
        setConfirming(null);
        setFailure({ action, error });
      },
    });
  }

  const cur = call.currency;
  const isConflict = failure?.error instanceof ApiError && failure.error.status === 409;
  const isAuthor = isCallAuthor(call, userId);

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
          {canApproveCall(permissions, call, userId) ? (
            <Button
              leftSection={<IconCheck size={16} />}
              loading={act.isPending && act.variables === "approve"}
              onClick={() => run("approve")}
            >
              Approve
            </Button>
          ) : null}
          {canIssueCall(permissions, call) ? (
            <Button leftSection={<IconSend size={16} />} onClick={() => setConfirming("issue")}>
              Issue to LPs
            </Button>
          ) : null}
          {canCancelCall(permissions, call) ? (
            <Button
              variant="light"
              color="red"
              leftSection={<IconX size={16} />}
              onClick={() => setConfirming("cancel")}
            >
              Cancel call
            </Button>
          ) : null}
          {call.status === "draft" && !permissions.includes("capital_call:approve") ? (
            <Text size="sm" c="dimmed">
              Waiting for approval by someone holding the approval permission.
            </Text>
          ) : null}
          {call.status === "draft" && permissions.includes("capital_call:approve") && isAuthor ? (
            <Text size="sm" c="dimmed" data-testid="author-cannot-approve">
              You drafted this call, so someone else must approve it.
            </Text>
          ) : null}
        </Group>
        {issuedNotices !== null ? (
          <Alert
            color="teal"
            title="Issued to the LPs"
            withCloseButton
            onClose={() => setIssuedNotices(null)}
            data-testid="issued-notices"
          >
            {noticeCount(issuedNotices)} issued, one to each LP; the amounts are now receivable.
          </Alert>
        ) : null}
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
        opened={confirming === "issue"}
        onClose={() => setConfirming(null)}
        title="Issue the capital call to the LPs"
      >
        <Stack gap="md">
          <Text size="sm">
            Capital call {call.number} will be issued: {noticeCount(call.allocations.length)}, one to each LP,
            ask for {formatMoney(call.amount_due, cur)} due {formatDate(call.due_date)}. Each LP&apos;s share
            is posted to the ledger as receivable, and payments can be recorded from then on.
          </Text>
          <Text size="sm" c="dimmed">
            An issued call can be cancelled only while nothing is paid on it.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(null)}>
              Not yet
            </Button>
            <Button
              leftSection={<IconSend size={16} />}
              loading={act.isPending}
              onClick={() => run("issue")}
              data-autofocus
            >
              Issue {noticeCount(call.allocations.length)}
            </Button>
          </Group>
        </Stack>
      </Modal>
      <Modal
        opened={confirming === "cancel"}
        onClose={() => setConfirming(null)}
        title="Cancel the capital call"
      >
        <Stack gap="md">
          <Text size="sm">
            Capital call {call.number} will be cancelled; an issued call&apos;s receivables are reversed. This
            cannot be undone.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(null)}>
              Keep it
            </Button>
            <Button color="red" loading={act.isPending} onClick={() => run("cancel")} data-autofocus>
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
  const call = useCall(callId);
  if (call.isPending) return <FullPageLoader label="Loading the capital call" inline />;
  if (call.isError) {
    return <ErrorAlert error={call.error} onRetry={() => void call.refetch()} isRetrying={call.isFetching} />;
  }
  return <CallDetail call={call.data} />;
}
