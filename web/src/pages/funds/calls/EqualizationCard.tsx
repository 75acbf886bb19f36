import { Anchor, Table, Text, Title } from "@mantine/core";
import { Link } from "react-router";

import type { ResponseOf } from "../../../api/types";
import { TableCard } from "../../../components/TableCard";
import { formatDate } from "../../../components/formatting";
import { formatPercent, sumAmounts } from "../shared/format";
import { Money } from "../shared/Money";

type CallDetail = ResponseOf<"/api/v1/capital-calls/{call_id}", "get">;
type EqualizationItem = NonNullable<CallDetail["equalization"]>[number];

function ItemKind({ item }: { item: EqualizationItem }) {
  if (item.kind === "capital_call" && item.source_call_id) {
    return (
      <Anchor component={Link} to={`/capital-calls/${item.source_call_id}`} size="sm">
        Capital call
      </Anchor>
    );
  }
  return <>{item.kind === "fee" ? "Management fee" : "Capital call"}</>;
}

/**
 * What an equalization call catches up: each fee installment and earlier call a late closer
 * would have paid had it been admitted at the first close, with its equalization interest.
 */
export function EqualizationCard({
  items,
  currency,
}: {
  items: readonly EqualizationItem[];
  currency: string;
}) {
  return (
    <div>
      <Title order={4} mb={4}>
        Catch-up of the late closers
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        Each late closer pays the fees and calls due before its close as if it had been admitted at the first
        close, with interest from each due date to its close; the interest goes to the LPs admitted earlier.
      </Text>
      <TableCard minWidth={820}>
        <Table horizontalSpacing="md" verticalSpacing="xs" aria-label="Equalization catch-up">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Investor</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Due date</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
              <Table.Th ta="right">Rate</Table.Th>
              <Table.Th ta="right">Days</Table.Th>
              <Table.Th ta="right">Interest</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr
                key={`${item.commitment_id}-${item.source_call_id ?? item.source_fee_run_id ?? item.due_date}`}
                data-testid="equalization-row"
              >
                <Table.Td>{item.investor_name}</Table.Td>
                <Table.Td>
                  <ItemKind item={item} />
                </Table.Td>
                <Table.Td>{formatDate(item.due_date)}</Table.Td>
                <Table.Td ta="right">
                  <Money value={item.amount} currency={currency} />
                </Table.Td>
                <Table.Td ta="right">{formatPercent(item.rate)}</Table.Td>
                <Table.Td ta="right">{item.days}</Table.Td>
                <Table.Td ta="right">
                  <Money value={item.interest} currency={currency} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            <Table.Tr data-testid="equalization-total">
              <Table.Th colSpan={3}>Total</Table.Th>
              <Table.Td ta="right">
                <Money value={sumAmounts(items.map((item) => item.amount))} currency={currency} fw={700} />
              </Table.Td>
              <Table.Td colSpan={2} />
              <Table.Td ta="right">
                <Money value={sumAmounts(items.map((item) => item.interest))} currency={currency} fw={700} />
              </Table.Td>
            </Table.Tr>
          </Table.Tfoot>
        </Table>
      </TableCard>
    </div>
  );
}
