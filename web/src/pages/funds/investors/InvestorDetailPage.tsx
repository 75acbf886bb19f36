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
  Table,
  Text,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowLeft, IconTrash } from "@tabler/icons-react";
import { useInfiniteQuery, useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";

import { api, unwrap } from "../../../api/client";
import { errorMessage } from "../../../api/problem";
import type { ResponseOf } from "../../../api/types";
import { hasPermission, useMe } from "../../../auth/session";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { FullPageLoader } from "../../../components/FullPageLoader";
import { LoadMore } from "../../../components/LoadMore";
import { PageHeader } from "../../../components/PageHeader";
import { TableCard } from "../../../components/TableCard";
import { TableSkeleton } from "../../../components/TableSkeleton";
import { formatDate, humanize } from "../../../components/formatting";
import { useCalls } from "../calls/useCalls";
import { CapitalAccountsTable } from "../fund/CapitalAccountsTab";
import { PaymentsList } from "../payments/PaymentsList";
import { CsvButton } from "../shared/CsvButton";
import { formatPercent, isZero } from "../shared/format";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { PICKER_LIMIT, callKeys, fundKeys, investorKeys } from "../shared/queries";
import { StatusBadge } from "../shared/StatusBadge";

type Investor = ResponseOf<"/api/v1/investors/{investor_id}", "get">;
type Commitment = ResponseOf<"/api/v1/investors/{investor_id}/commitments", "get">["items"][number];

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

/** Commitments loaded per page of the investor's list. */
const COMMITMENTS_PAGE = 100;

/**
 * The investor's commitments in every fund, oldest first, page after page (one request per
 * page, whatever the number of funds). Like `useCursorList`, with `enabled` for readers who
 * may not see commitments.
 */
function useInvestorCommitments(investorId: string, enabled: boolean) {
  const query = { limit: COMMITMENTS_PAGE };
  const list = useInfiniteQuery({
    queryKey: [...investorKeys.detail(investorId), "commitments", query],
    enabled,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/v1/investors/{investor_id}/commitments", {
          params: {
            path: { investor_id: investorId },
            query: { ...query, ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor ?? null,
  });
  const commitments: Commitment[] = list.data?.pages.flatMap((page) => page.items) ?? [];
  const csv = csvUrl("/api/v1/investors/{investor_id}/commitments", { investor_id: investorId }, query);
  return { ...list, commitments, csv, isPending: enabled && list.isPending };
}

function CommitmentsCard({ commitments }: { commitments: Commitment[] }) {
  return (
    <TableCard minWidth={860}>
      <Table horizontalSpacing="md" verticalSpacing="xs" aria-label="Commitments across funds">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Fund</Table.Th>
            <Table.Th>Close</Table.Th>
            <Table.Th ta="right">Commitment</Table.Th>
            <Table.Th ta="right">Called</Table.Th>
            <Table.Th ta="right">Contributed</Table.Th>
            <Table.Th ta="right">Unfunded</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {commitments.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={7}>
                <Text size="sm" c="dimmed" ta="center" py="sm">
                  No commitments.
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : (
            commitments.map((commitment) => (
              <Table.Tr key={commitment.id}>
                <Table.Td>
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
                </Table.Td>
                <Table.Td>
                  {commitment.close_number} · {formatDate(commitment.close_date)}
                </Table.Td>
                <Table.Td ta="right">
                  <Money value={commitment.amount} currency={commitment.currency} />
                </Table.Td>
                <Table.Td ta="right">
                  <Money value={commitment.called} currency={commitment.currency} />
                </Table.Td>
                <Table.Td ta="right">
                  <Money value={commitment.contributed} currency={commitment.currency} />
                </Table.Td>
                <Table.Td ta="right">
                  <Money value={commitment.unfunded} currency={commitment.currency} fw={600} />
                </Table.Td>
                <Table.Td>
                  <StatusBadge status={commitment.status} />
                </Table.Td>
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </Table>
    </TableCard>
  );
}

/**
 * The investor's shares of the calls of the funds it committed to: the calls with a share for it,
 * page after page, and each call's detail for the share itself (the list gives call totals only).
 */
function CallsCard({ investorId }: { investorId: string }) {
  const list = useCalls({ investor_id: investorId, limit: 50 });
  const calls = list.rows.filter((call) => call.status !== "cancelled");
  const details = useQueries({
    queries: calls.map((call) => ({
      queryKey: callKeys.detail(call.id),
      queryFn: () =>
        unwrap(api.GET("/api/v1/capital-calls/{call_id}", { params: { path: { call_id: call.id } } })),
    })),
  });
  const detailError = details.find((q) => q.error)?.error;
  if (detailError) return <ErrorAlert error={detailError} title="The capital calls could not be loaded" />;
  if (list.isError && list.rows.length === 0) {
    return (
      <ErrorAlert
        error={list.error}
        title="The capital calls could not be loaded"
        onRetry={() => void list.refetch()}
        isRetrying={list.isFetching}
      />
    );
  }
  // The skeleton until the first shares are known; later pages join the table as they arrive.
  if (list.isPending || (details.length > 0 && details.every((q) => q.isPending))) {
    return <TableSkeleton label="Loading capital calls" rows={3} />;
  }
  const shares = details.flatMap((detail) =>
    (detail.data?.allocations ?? [])
      .filter((allocation) => allocation.investor_id === investorId)
      .map((allocation) => ({ call: detail.data, allocation })),
  );
  const loadingShares = details.some((q) => q.isPending);
  return (
    <Stack gap="sm">
      <TableCard minWidth={900}>
        <Table horizontalSpacing="md" verticalSpacing="xs" aria-label="Capital calls of the investor">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Call</Table.Th>
              <Table.Th>Due</Table.Th>
              <Table.Th ta="right">Due amount</Table.Th>
              <Table.Th ta="right">Paid</Table.Th>
              <Table.Th ta="right">Outstanding</Table.Th>
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shares.length === 0 ? (
              <Table.Tr>
                <Table.Td colSpan={6}>
                  <Text size="sm" c="dimmed" ta="center" py="sm">
                    No capital calls.
                  </Text>
                </Table.Td>
              </Table.Tr>
            ) : (
              shares.map(({ call, allocation }) =>
                call ? (
                  <Table.Tr key={allocation.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/capital-calls/${call.id}`} size="sm">
                        {call.fund_name}: call {call.number}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{formatDate(call.due_date)}</Table.Td>
                    <Table.Td ta="right">
                      <Money value={allocation.amount_due} currency={call.currency} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money value={allocation.paid_amount} currency={call.currency} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money value={allocation.outstanding} currency={call.currency} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <StatusBadge status={call.status} />
                        {call.is_overdue && !isZero(allocation.outstanding) ? (
                          <Badge color="red" variant="filled" size="sm">
                            Overdue
                          </Badge>
                        ) : null}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ) : null,
              )
            )}
          </Table.Tbody>
        </Table>
      </TableCard>
      <LoadMore
        hasNextPage={list.hasNextPage}
        isFetchingNextPage={list.isFetchingNextPage || loadingShares}
        error={list.error}
        fetchNextPage={() => void list.fetchNextPage()}
      />
    </Stack>
  );
}

function CapitalAccountCard({ investorId, fundIds }: { investorId: string; fundIds: string[] }) {
  const accounts = useQueries({
    queries: fundIds.map((fundId) => ({
      queryKey: fundKeys.part(fundId, "capital-account", investorId),
      queryFn: () =>
        unwrap(
          api.GET("/api/v1/funds/{fund_id}/capital-accounts/{investor_id}", {
            params: { path: { fund_id: fundId, investor_id: investorId } },
          }),
        ),
    })),
  });
  const error = accounts.find((q) => q.error)?.error;
  if (error) return <ErrorAlert error={error} title="The capital account could not be loaded" />;
  if (accounts.some((q) => q.isPending)) return <TableSkeleton label="Loading capital accounts" rows={2} />;
  return (
    <CapitalAccountsTable
      accounts={accounts.flatMap((q) => (q.data ? [q.data] : []))}
      label="Capital account since inception"
    />
  );
}

function PortalAccess({ investor }: { investor: Investor }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const canWrite = hasPermission(me.data, "investor:write") && hasPermission(me.data, "user:read");
  const [userId, setUserId] = useState<string | null>(null);
  const linked = useQuery({
    queryKey: [...investorKeys.detail(investor.id), "users"],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/investors/{investor_id}/users", { params: { path: { investor_id: investor.id } } }),
      ),
  });
  const users = useQuery({
    queryKey: ["users", "lp-options"],
    enabled: canWrite,
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/users", { params: { query: { role: "limited_partner", limit: PICKER_LIMIT } } }),
      ),
  });
  const change = useMutation({
    mutationFn: async ({ action, user }: { action: "link" | "unlink"; user: string }) => {
      const path = { investor_id: investor.id };
      if (action === "link") {
        await unwrap(
          api.POST("/api/v1/investors/{investor_id}/users", { params: { path }, body: { user_id: user } }),
        );
      } else {
        await unwrap(
          api.DELETE("/api/v1/investors/{investor_id}/users/{user_id}", {
            params: { path: { ...path, user_id: user } },
          }),
        );
      }
    },
    onSuccess: async (_, { action }) => {
      setUserId(null);
      notifications.show({
        message: action === "link" ? "The user now sees this investor in the LP portal." : "Access removed.",
        color: "teal",
      });
      await queryClient.invalidateQueries({ queryKey: investorKeys.detail(investor.id) });
    },
  });
  const linkedIds = new Set((linked.data ?? []).map((link) => link.user_id));
  return (
    <Paper p="md">
      <Title order={4} mb="xs">
        LP portal access
      </Title>
      {linked.isError ? <ErrorAlert error={linked.error} /> : null}
      <Stack gap="xs">
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
    </Paper>
  );
}

/** `/investors/:investorId`: who the investor is, and its commitments, calls, payments and capital account. */
export function InvestorDetailPage() {
  const { investorId = "" } = useParams();
  const me = useMe();
  const can = (permission: string) => hasPermission(me.data, permission);
  const investor = useQuery({
    queryKey: investorKeys.detail(investorId),
    queryFn: () =>
      unwrap(api.GET("/api/v1/investors/{investor_id}", { params: { path: { investor_id: investorId } } })),
  });
  const canSeeCommitments = can("commitment:read");
  const commitments = useInvestorCommitments(investorId, canSeeCommitments);
  const fundIds = [...new Set(commitments.commitments.map((commitment) => commitment.fund_id))];

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
            <Group justify="space-between">
              <Title order={3}>Commitments</Title>
              <CsvButton href={commitments.csv} />
            </Group>
            {commitments.isPending ? (
              <TableSkeleton label="Loading commitments" rows={2} />
            ) : commitments.isError && commitments.commitments.length === 0 ? (
              <ErrorAlert
                error={commitments.error}
                title="The commitments could not be loaded"
                onRetry={() => void commitments.refetch()}
                isRetrying={commitments.isFetching}
              />
            ) : (
              <>
                <CommitmentsCard commitments={commitments.commitments} />
                <LoadMore
                  hasNextPage={commitments.hasNextPage}
                  isFetchingNextPage={commitments.isFetchingNextPage}
                  error={commitments.error}
                  fetchNextPage={() => void commitments.fetchNextPage()}
                />
              </>
            )}
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
