import { Anchor, Button, Group, Stack, Title } from "@mantine/core";
import { IconArrowsExchange } from "@tabler/icons-react";
import { useState } from "react";
import { Link } from "react-router";

import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { formatDate } from "../../../components/formatting";
import { isZero } from "../shared/format";
import { Money } from "../shared/Money";
import { useInvestorOptions, type Fund } from "../shared/queries";
import { useFundCommitments, useTransfers, type Commitment, type Transfer } from "./queries";
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
  const columns: DataTableColumn<Transfer>[] = [
    {
      accessor: "transfer_date",
      title: "Date",
      noWrap: true,
      render: (transfer) => formatDate(transfer.transfer_date),
    },
    {
      accessor: "from_investor_id",
      title: "From",
      render: (transfer) => (
        <InvestorLink
          investorId={transfer.from_investor_id}
          name={byId.get(transfer.from_commitment_id)?.investor_name ?? names.get(transfer.from_investor_id)}
        />
      ),
    },
    {
      accessor: "to_investor_id",
      title: "To",
      render: (transfer) => (
        <InvestorLink
          investorId={transfer.to_investor_id}
          name={byId.get(transfer.to_commitment_id)?.investor_name ?? names.get(transfer.to_investor_id)}
        />
      ),
    },
    {
      accessor: "amount",
      title: "Commitment",
      textAlign: "right",
      render: (transfer) => <Money value={transfer.amount} currency={fund.currency} fw={600} />,
    },
    {
      accessor: "called_amount",
      title: "Called capital",
      textAlign: "right",
      visibleFrom: "sm",
      render: (transfer) => <Money value={transfer.called_amount} currency={fund.currency} />,
    },
    {
      accessor: "recallable_amount",
      title: "Recallable",
      textAlign: "right",
      visibleFrom: "md",
      render: (transfer) => <Money value={transfer.recallable_amount} currency={fund.currency} />,
    },
  ];

  return (
    <Stack gap="sm">
      <DataTable
        label="Transfers of interest"
        columns={columns}
        records={rows}
        idAccessor="id"
        query={transfers}
        noRecordsText="No interest was transferred yet."
        rowAttributes={() => ({ "data-testid": "transfer-row" })}
        toolbar={
          <Group justify="space-between" style={{ flex: 1 }} gap="sm">
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
        }
      />
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
