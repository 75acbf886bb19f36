import { Alert, Anchor, Button, Group, Modal, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { IconArrowLeft, IconCash, IconCheck, IconSend, IconX } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useParams } from "react-router";

import { ApiError, errorMessage } from "../../../api/problem";
import { useMe } from "../../../auth/session";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { FullPageLoader } from "../../../components/FullPageLoader";
import { PageHeader } from "../../../components/PageHeader";
import { formatDate, formatDateTime, humanize } from "../../../components/formatting";
import { DateField } from "../shared/DateField";
import { formatMoney, todayIso } from "../shared/format";
import { KpiCard } from "../shared/KpiCard";
import { apiUrl } from "../shared/links";
import { StatusBadge } from "../shared/StatusBadge";
import { newIdempotencyKey } from "../shared/upload";
import {
  useDistribution,
  useDistributionAction,
  type Distribution,
  type DistributionAction as Action,
} from "./queries";
import { WaterfallTables } from "./WaterfallTables";

/** Statuses a distribution can be cancelled from: an issued one has its issue entries reversed. */
const CANCELLABLE: readonly string[] = ["draft", "approved", "issued"];

const DONE: Record<Action, string> = {
  approve: "approved",
  issue: "issued",
  pay: "paid",
  cancel: "cancelled",
};

function PayForm({ onPay, isPending }: { onPay: (paidDate: string) => void; isPending: boolean }) {
  const form = useForm({
    mode: "controlled",
    initialValues: { paid_date: todayIso() as string | null },
    validate: { paid_date: (value) => (value ? null : "Enter the date paid.") },
  });
  return (
    <Paper p="md">
      <Title order={4} mb="sm">
        Pay the partners
      </Title>
      <form
        onSubmit={form.onSubmit((values) => onPay(values.paid_date ?? ""))}
        noValidate
        aria-label="Pay the distribution"
      >
        <Group align="flex-end" gap="sm">
          <DateField label="Paid on" {...form.getInputProps("paid_date")} />
          <Button type="submit" leftSection={<IconCash size={16} />} loading={isPending}>
            Record as paid
          </Button>
        </Group>
      </form>
    </Paper>
  );
}

/** One distribution: its waterfall, its workflow (approve, issue, pay, cancel) and its notices. */
export function DistributionDetail({ distribution }: { distribution: Distribution }) {
  const me = useMe();
  const permissions = me.data?.permissions ?? [];
  const canWrite = permissions.includes("distribution:write");
  const [failure, setFailure] = useState<{ action: Action; error: unknown } | null>(null);
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const status = distribution.status;

  const workflow = useDistributionAction(distribution.id);
  const act = {
    ...workflow,
    mutate: (step: { action: Action; paidDate?: string }) => {
      setFailure(null);
      workflow.mutate(
        { ...step, ...(step.action === "pay" ? { key: newIdempotencyKey() } : {}) },
        {
          onSuccess: (updated) => {
            setConfirmingCancel(false);
            notifications.show({
              message: `Distribution ${updated.number} is ${DONE[step.action]}.`,
              color: "teal",
            });
          },
          onError: (error) => {
            setConfirmingCancel(false);
            setFailure({ action: step.action, error });
          },
        },
      );
    },
  };
  const pending = (action: Action) => act.isPending && act.variables.action === action;
  const cur = distribution.currency;
  const isConflict = failure?.error instanceof ApiError && failure.error.status === 409;

  return (
    <>
      <Anchor component={Link} to={`/funds/${distribution.fund_id}/distributions`} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden /> {distribution.fund_name}
        </Group>
      </Anchor>
      <PageHeader
        title={`Distribution ${distribution.number}`}
        description={`${humanize(distribution.source)} · ${formatDate(distribution.distribution_date)}`}
        actions={
          <span data-testid="distribution-status">
            <StatusBadge status={status} />
          </span>
        }
      />
      <Stack gap="md">
        <Group gap="sm">
          {status === "draft" && permissions.includes("distribution:approve") ? (
            <Button
              leftSection={<IconCheck size={16} />}
              loading={pending("approve")}
              onClick={() => act.mutate({ action: "approve" })}
            >
              Approve
            </Button>
          ) : null}
          {status === "approved" && canWrite ? (
            <Button
              leftSection={<IconSend size={16} />}
              loading={pending("issue")}
              onClick={() => act.mutate({ action: "issue" })}
            >
              Issue to partners
            </Button>
          ) : null}
          {CANCELLABLE.includes(status) && canWrite ? (
            <Button
              variant="light"
              color="red"
              leftSection={<IconX size={16} />}
              onClick={() => setConfirmingCancel(true)}
            >
              Cancel distribution
            </Button>
          ) : null}
        </Group>
        {failure ? (
          <Alert
            color={isConflict ? "orange" : "red"}
            role="alert"
            title={`The distribution could not be ${DONE[failure.action]}`}
            withCloseButton
            onClose={() => setFailure(null)}
          >
            {errorMessage(failure.error)}
          </Alert>
        ) : null}
        {distribution.description ? <Text size="sm">{distribution.description}</Text> : null}
        <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm">
          <KpiCard label="Gross amount" value={formatMoney(distribution.gross_amount, cur)} />
          <KpiCard label="Recallable" value={formatMoney(distribution.recallable_amount, cur)} />
          <KpiCard label="Status" value={humanize(status)} />
        </SimpleGrid>
        <Group gap="lg">
          {(
            [
              ["Drafted", distribution.created_at],
              ["Approved", distribution.approved_at],
              ["Issued", distribution.issued_at],
              ["Paid", distribution.paid_at],
              ["Cancelled", distribution.cancelled_at],
            ] as const
          )
            .filter(([, when]) => when)
            .map(([label, when]) => (
              <Text size="xs" c="dimmed" key={label}>
                {label} {formatDateTime(when)}
              </Text>
            ))}
        </Group>
        {status === "issued" && canWrite ? (
          <PayForm isPending={pending("pay")} onPay={(paidDate) => act.mutate({ action: "pay", paidDate })} />
        ) : null}
        <WaterfallTables
          tiers={distribution.tiers}
          partners={distribution.partners}
          currency={cur}
          noticeUrl={(investorId) =>
            apiUrl("/api/v1/distributions/{distribution_id}/notices/{investor_id}.pdf", {
              distribution_id: distribution.id,
              investor_id: investorId,
            })
          }
        />
      </Stack>
      <Modal
        opened={confirmingCancel}
        onClose={() => setConfirmingCancel(false)}
        title="Cancel the distribution"
      >
        <Stack gap="md">
          <Text size="sm">
            {status === "issued"
              ? `Distribution ${distribution.number} will be cancelled and the entries posted when it was issued will be reversed. This cannot be undone.`
              : `Distribution ${distribution.number} will be cancelled. This cannot be undone.`}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmingCancel(false)}>
              Keep it
            </Button>
            <Button
              color="red"
              loading={pending("cancel")}
              onClick={() => act.mutate({ action: "cancel" })}
              data-autofocus
            >
              Cancel distribution
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** `/funds/:fundId/distributions/:distributionId`. */
export function DistributionDetailPage() {
  const { distributionId = "" } = useParams();
  const distribution = useDistribution(distributionId);
  if (distribution.isPending) return <FullPageLoader label="Loading the distribution" inline />;
  if (distribution.isError) {
    return (
      <ErrorAlert
        error={distribution.error}
        onRetry={() => void distribution.refetch()}
        isRetrying={distribution.isFetching}
      />
    );
  }
  return <DistributionDetail distribution={distribution.data} />;
}
