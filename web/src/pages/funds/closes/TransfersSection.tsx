import { Anchor, Button, Group, Stack, Table, Text, Title } from "@mantine/core";
import { IconArrowsExchange } from "@tabler/icons-react";
import { useState } from "react";
import { Link } from "react-router";

import { ErrorAlert } from "../../../components/ErrorAlert";
import { TableCard } from "../../../components/TableCard";
import { TableSkeleton } from "../../../components/TableSkeleton";
import { formatDate } from "../../../components/formatting";
import { isZero } from "../shared/format";
import { Money } from "../shared/Money";
import { useInvestorOptions, type Fund } from "../shared/queries";
import { useFundCommitments, useTransfers, type Commitment } from "./closes";
import { TransferModal } from "./TransferModal";

function InvestorLink({ investorId, name }: { investorId: string; name: string | undefined }) {
  return (
    <Anchor component={Link} to={`/investors/${investorId}`} size="sm">
      {name ?? "An investor"}
    </Anchor>
  );
}

interface TransfersSectionProps {
  fund: Fund;
  /** Offer to transfer an interest (the holders of commitment:write who may read the investors). */
  canWrite: boolean;
}

/**
 * The fund's transfers of interest, oldest first: who transferred how much of its commitment to
 * whom, and the called capital and recallable amounts that moved with it. The holders of
 * commitment:write transfer (part of) an LP's interest to another investor.
 */
export function TransfersSection({ fund, canWrite }: TransfersSectionProps) {
  const transfers = useTransfers(fund.id);
  const commitments = useFundCommitments(fund.id);
  const investors = useInvestorOptions(undefined, canWrite);
  const [transferring, setTransferring] = useState(false);
  const [session, setSession] = useState(0);

  const all = commitments.data?.items ?? [];
  const byId = new Map<string, Commitment>(all.map((commitment) => [commitment.id, commitment]));
  const names = new Map<string, string>([
    ...(investors.data ?? []).map((investor): [string, string] => [investor.value, investor.label]),
    ...all.map((commitment): [string, string] => [commitment.investor_id, commitment.investor_name]),
  ]);
  const transferable = all.filter(
    (commitment) => commitment.status === "active" && !isZero(commitment.amount),
  );
  const rows = transfers.data ?? [];

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={4}>Transfers of interest</Title>
        {canWrite ? (
          <Button
            leftSection={<IconArrowsExchange size={16} />}
            disabled={commitments.isPending}
            onClick={() => {
              setSession((current) => current + 1);
              setTransferring(true);
            }}
          >
            Transfer interest
          </Button>
        ) : null}
      </Group>
      {transfers.isPending ? (
        <TableSkeleton label="Loading transfers" />
      ) : transfers.isError ? (
        <ErrorAlert
          error={transfers.error}
          onRetry={() => void transfers.refetch()}
          isRetrying={transfers.isFetching}
        />
      ) : (
        <TableCard minWidth={860}>
          <Table
            horizontalSpacing="md"
            verticalSpacing="xs"
            highlightOnHover
            aria-label="Transfers of interest"
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Date</Table.Th>
                <Table.Th>From</Table.Th>
                <Table.Th>To</Table.Th>
                <Table.Th ta="right">Commitment</Table.Th>
                <Table.Th ta="right">Called capital</Table.Th>
                <Table.Th ta="right">Recallable</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text c="dimmed" size="sm" ta="center" py="md">
                      No interest was transferred yet.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : (
                rows.map((transfer) => (
                  <Table.Tr key={transfer.id} data-testid="transfer-row">
                    <Table.Td>{formatDate(transfer.transfer_date)}</Table.Td>
                    <Table.Td>
                      <InvestorLink
                        investorId={transfer.from_investor_id}
                        name={
                          byId.get(transfer.from_commitment_id)?.investor_name ??
                          names.get(transfer.from_investor_id)
                        }
                      />
                    </Table.Td>
                    <Table.Td>
                      <InvestorLink
                        investorId={transfer.to_investor_id}
                        name={
                          byId.get(transfer.to_commitment_id)?.investor_name ??
                          names.get(transfer.to_investor_id)
                        }
                      />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money value={transfer.amount} currency={fund.currency} fw={600} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money value={transfer.called_amount} currency={fund.currency} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money value={transfer.recallable_amount} currency={fund.currency} />
                    </Table.Td>
                  </Table.Tr>
                ))
              )}
            </Table.Tbody>
          </Table>
        </TableCard>
      )}
      {canWrite ? (
        <TransferModal
          fundId={fund.id}
          currency={fund.currency}
          commitments={transferable}
          investors={investors.data}
          opened={transferring}
          session={session}
          onDone={() => setTransferring(false)}
        />
      ) : null}
    </Stack>
  );
}
