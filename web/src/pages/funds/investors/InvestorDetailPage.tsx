import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowLeft, IconTrash, IconUserPlus } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useParams } from "react-router";

import { errorMessage } from "../../../api/problem";
import { hasPermission, useMe } from "../../../auth/session";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { FullPageLoader } from "../../../components/FullPageLoader";
import { PageHeader } from "../../../components/PageHeader";
import { formatDate, formatDateTime, humanize } from "../../../components/formatting";
import { InviteModal } from "../../users/InviteModal";
import { CapitalAccountsTable } from "../fund/CapitalAccountsTab";
import { PaymentsList } from "../payments/PaymentsList";
import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import {
  useChangeInvestorAccess,
  useInvestor,
  useInvestorCallShares,
  useInvestorCapitalAccounts,
  useInvestorCommitments,
  useInvestorInvitations,
  useInvestorUsers,
  useLimitedPartnerUsers,
  type Investor,
  type InvestorCommitment,
} from "./queries";
import { formatPercent, isZero } from "../shared/format";
import { Money } from "../shared/Money";
import { StatusBadge } from "../shared/StatusBadge";

function Field({ label, value }: { label: string; value: string | null | undefined }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={700} tt="uppercase">
        {label}
      </Text>
      <Text size="sm">{value || "—"}</Text>
    </div>
  );
}

function Details({ investor }: { investor: Investor }) {
  return (
    <Paper p="md">
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <Field label="Kind" value={humanize(investor.kind)} />
        <Field label="Email" value={investor.email} />
        <Field label="Phone" value={investor.phone} />
        <Field label="Country" value={investor.country} />
        <Field label="Tax id" value={investor.tax_id} />
        <Field label="Bank" value={investor.bank_name} />
        <Field label="Bank account" value={investor.bank_account} />
        <Field label="Routing" value={investor.bank_routing} />
        <Field label="Withholding" value={formatPercent(investor.withholding_rate)} />
        <Field label="Address" value={investor.address} />
      </SimpleGrid>
      {!investor.sensitive_visible ? (
        <Text size="xs" c="dimmed" mt="sm">
          Tax and bank details are masked to their last four characters for your role.
        </Text>
      ) : null}
      {investor.notes ? (
        <Text size="sm" mt="sm">
          {investor.notes}
        </Text>
      ) : null}
    </Paper>
  );
}

type CallShare = ReturnType<typeof useInvestorCallShares>["shares"][number];

const COMMITMENT_COLUMNS: DataTableColumn<InvestorCommitment>[] = [
  {
    accessor: "fund_name",
    title: "Fund",
    render: (commitment) => (
      <Group gap={6}>
        <Anchor component={Link} to={`/funds/${commitment.fund_id}`} size="sm">
          {commitment.fund_name}
        </Anchor>
        {commitment.is_gp ? (
          <Badge size="xs" variant="outline">
            GP
          </Badge>
        ) : null}
      </Group>
    ),
  },
  {
    accessor: "close_number",
    title: "Close",
    visibleFrom: "md",
    render: (commitment) => `${commitment.close_number} · ${formatDate(commitment.close_date)}`,
  },
  {
    accessor: "amount",
    title: "Commitment",
    textAlign: "right",
    render: (commitment) => <Money value={commitment.amount} currency={commitment.currency} />,
  },
  {
    accessor: "called",
    title: "Called",
    textAlign: "right",
    visibleFrom: "md",
    render: (commitment) => <Money value={commitment.called} currency={commitment.currency} />,
  },
  {
    accessor: "contributed",
    title: "Contributed",
    textAlign: "right",
    visibleFrom: "md",
    render: (commitment) => <Money value={commitment.contributed} currency={commitment.currency} />,
  },
  {
    accessor: "unfunded",
    title: "Unfunded",
    textAlign: "right",
    render: (commitment) => <Money value={commitment.unfunded} currency={commitment.currency} fw={600} />,
  },
  {
    accessor: "status",
    title: "Status",
    visibleFrom: "sm",
    render: (commitment) => <StatusBadge status={commitment.status} />,
  },
];

const CALL_SHARE_COLUMNS: DataTableColumn<CallShare>[] = [
  {
    accessor: "call",
    title: "Call",
    render: ({ call }) => (
      <Anchor component={Link} to={`/capital-calls/${call.id}`} size="sm">
        {call.fund_name}: call {call.number}
      </Anchor>
    ),
  },
  { accessor: "due_date", title: "Due", visibleFrom: "sm", render: ({ call }) => formatDate(call.due_date) },
  {
    accessor: "amount_due",
    title: "Due amount",
    textAlign: "right",
    render: ({ call, allocation }) => <Money value={allocation.amount_due} currency={call.currency} />,
  },
  {
    accessor: "paid_amount",
    title: "Paid",
    textAlign: "right",
    visibleFrom: "md",
    render: ({ call, allocation }) => <Money value={allocation.paid_amount} currency={call.currency} />,
  },
  {
    accessor: "outstanding",
    title: "Outstanding",
    textAlign: "right",
    visibleFrom: "sm",
    render: ({ call, allocation }) => <Money value={allocation.outstanding} currency={call.currency} />,
  },
  {
    accessor: "status",
    title: "Status",
    render: ({ call, allocation }) => (
      <Group gap={4} wrap="wrap">
        <StatusBadge status={call.status} />
        {call.is_overdue && !isZero(allocation.outstanding) ? (
          <Badge color="red" variant="filled" size="sm">
            Overdue
          </Badge>
        ) : null}
      </Group>
    ),
  },
];

function CallsCard({ investorId }: { investorId: string }) {
  const { list, shares, detailError, isPending, isLoadingShares } = useInvestorCallShares(investorId);
  if (detailError) return <ErrorAlert error={detailError} title="The capital calls could not be loaded" />;
  return (
    <DataTable
      label="Capital calls of the investor"
      columns={CALL_SHARE_COLUMNS}
      records={shares}
      idAccessor={(share) => share.allocation.id}
      query={{
        ...list,
        isPending,
        isFetching: list.isFetching || isPending,
        isFetchingNextPage: list.isFetchingNextPage || isLoadingShares,
      }}
      noRecordsText="No capital calls."
    />
  );
}

function CapitalAccountCard({ investorId, fundIds }: { investorId: string; fundIds: string[] }) {
  const accounts = useInvestorCapitalAccounts(investorId, fundIds);
  const error = accounts.find((q) => q.error)?.error;
  if (error) return <ErrorAlert error={error} title="The capital account could not be loaded" />;
  return (
    <CapitalAccountsTable
      accounts={accounts.flatMap((q) => (q.data ? [q.data] : []))}
      label="Capital account since inception"
      query={{
        isPending: accounts.some((q) => q.isPending),
        isFetching: accounts.some((q) => q.isFetching),
        isError: false,
        error: null,
        refetch: () => accounts.forEach((q) => void q.refetch()),
      }}
    />
  );
}

type Invitation = ReturnType<typeof useInvestorInvitations>["rows"][number];

const INVITATION_COLUMNS: DataTableColumn<Invitation>[] = [
  {
    accessor: "email",
    title: "Email",
    render: (invitation) => (
      <Text size="sm" style={{ wordBreak: "break-all" }}>
        {invitation.email}
      </Text>
    ),
  },
  {
    accessor: "status",
    title: "Status",
    render: (invitation) => (
      <Badge size="sm" variant="light" color={invitation.status === "pending" ? "blue" : "gray"}>
        {humanize(invitation.status)}
      </Badge>
    ),
  },
  {
    accessor: "expires_at",
    title: "Expires",
    render: (invitation) => formatDateTime(invitation.expires_at),
  },
];

/** The investor's invitations not yet accepted (an accepted one is a linked user). */
function InvitationsCard({ investorId }: { investorId: string }) {
  const invitations = useInvestorInvitations(investorId, true);
  return (
    <Stack gap="xs">
      <Title order={5}>Pending invitations</Title>
      <DataTable
        label="Pending invitations of the investor"
        columns={INVITATION_COLUMNS}
        records={invitations.rows.filter((invitation) => invitation.status !== "accepted")}
        idAccessor="id"
        query={invitations}
        noRecordsText="No pending invitations."
        cardsBelow="sm"
      />
    </Stack>
  );
}

function PortalAccess({ investor }: { investor: Investor }) {
  const me = useMe();
  const canWrite = hasPermission(me.data, "investor:write") && hasPermission(me.data, "user:read");
  const canInvite = hasPermission(me.data, "user:invite");
  const [inviting, setInviting] = useState(false);
  const [userId, setUserId] = useState<string | null>(null);
  const linked = useInvestorUsers(investor.id);
  const users = useLimitedPartnerUsers(canWrite);
  const access = useChangeInvestorAccess(investor.id);
  const change = {
    ...access,
    mutate: (variables: { action: "link" | "unlink"; user: string }) =>
      access.mutate(variables, {
        onSuccess: () => {
          setUserId(null);
          notifications.show({
            message:
              variables.action === "link"
                ? "The user now sees this investor in the LP portal."
                : "Access removed.",
            color: "teal",
          });
        },
      }),
  };
  const linkedIds = new Set((linked.data ?? []).map((link) => link.user_id));
  return (
    <Paper p="md">
      <Group justify="space-between" mb="xs" gap="xs">
        <Title order={4}>LP portal access</Title>
        {canInvite ? (
          <Button size="xs" leftSection={<IconUserPlus size={16} />} onClick={() => setInviting(true)}>
            Invite LP user
          </Button>
        ) : null}
      </Group>
      {linked.isError ? <ErrorAlert error={linked.error} /> : null}
      <SimpleGrid cols={{ base: 1, md: canInvite ? 2 : 1 }} spacing="lg">
        <Stack gap="xs">
          <Title order={5}>Linked users</Title>
          {(linked.data ?? []).length === 0 && linked.isSuccess ? (
            <Text size="sm" c="dimmed">
              Nobody sees this investor in the LP portal yet.
            </Text>
          ) : null}
          {(linked.data ?? []).map((link) => (
            <Group key={link.id} gap="xs">
              <Text size="sm">
                {link.full_name} ({link.email})
              </Text>
              {canWrite ? (
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Remove ${link.full_name}'s access`}
                  onClick={() => change.mutate({ action: "unlink", user: link.user_id })}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              ) : null}
            </Group>
          ))}
          {canWrite ? (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                if (userId) change.mutate({ action: "link", user: userId });
              }}
              aria-label="Give a user LP portal access"
            >
              <Group align="flex-end" gap="sm">
                <Select
                  label="Limited partner user"
                  placeholder="Choose a user"
                  data={(users.data?.items ?? [])
                    .filter((user) => !linkedIds.has(user.id))
                    .map((user) => ({ value: user.id, label: `${user.full_name} (${user.email})` }))}
                  value={userId}
                  onChange={setUserId}
                  searchable
                  w={{ base: "100%", sm: 340 }}
                />
                <Button type="submit" disabled={!userId} loading={change.isPending}>
                  Give access
                </Button>
              </Group>
            </form>
          ) : null}
          {change.isError ? (
            <Alert color="red" role="alert">
              {errorMessage(change.error)}
            </Alert>
          ) : null}
        </Stack>
        {canInvite ? <InvitationsCard investorId={investor.id} /> : null}
      </SimpleGrid>
      {canInvite ? (
        <InviteModal
          opened={inviting}
          onClose={() => setInviting(false)}
          investor={{ id: investor.id, name: investor.name }}
        />
      ) : null}
    </Paper>
  );
}

/** `/investors/:investorId`: who the investor is, and its commitments, calls, payments and capital account. */
export function InvestorDetailPage() {
  const { investorId = "" } = useParams();
  const me = useMe();
  const can = (permission: string) => hasPermission(me.data, permission);
  const investor = useInvestor(investorId);
  const canSeeCommitments = can("commitment:read");
  const commitments = useInvestorCommitments(investorId, canSeeCommitments);
  const fundIds = [...new Set(commitments.rows.map((commitment) => commitment.fund_id))];

  if (investor.isPending) return <FullPageLoader label="Loading the investor" inline />;
  if (investor.isError) {
    return (
      <ErrorAlert
        error={investor.error}
        onRetry={() => void investor.refetch()}
        isRetrying={investor.isFetching}
      />
    );
  }
  return (
    <>
      <Anchor component={Link} to="/investors" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden /> Investors
        </Group>
      </Anchor>
      <PageHeader title={investor.data.name} description={investor.data.email ?? undefined} />
      <Stack gap="lg">
        <Details investor={investor.data} />
        {canSeeCommitments ? (
          <Stack gap="xs">
            <Title order={3}>Commitments</Title>
            <DataTable
              label="Commitments across funds"
              columns={COMMITMENT_COLUMNS}
              records={commitments.rows}
              idAccessor="id"
              query={commitments}
              noRecordsText="No commitments."
              csvHref={commitments.csv}
            />
          </Stack>
        ) : null}
        {can("capital_call:read") ? (
          <Stack gap="xs">
            <Title order={3}>Capital calls</Title>
            <CallsCard investorId={investorId} />
          </Stack>
        ) : null}
        {can("payment:read") ? (
          <Stack gap="xs">
            <Title order={3}>Payments</Title>
            <PaymentsList filters={{ investor_id: investorId }} />
          </Stack>
        ) : null}
        {can("ledger:read") && fundIds.length > 0 ? (
          <Stack gap="xs">
            <Title order={3}>Capital account</Title>
            <CapitalAccountCard investorId={investorId} fundIds={fundIds} />
          </Stack>
        ) : null}
        <PortalAccess investor={investor.data} />
      </Stack>
    </>
  );
}
