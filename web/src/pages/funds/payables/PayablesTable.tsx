import { Button, Table, Text, VisuallyHidden } from "@mantine/core";

import { TableCard } from "../../../components/TableCard";
import { formatDate, humanize } from "../../../components/formatting";
import { Money } from "../shared/Money";
import type { Payable, Payables } from "./payables";

interface PayablesTableProps {
  payables: Payables;
  /** Offer to pay each item (the holders of payment:write). */
  canPay: boolean;
  onPay: (item: Payable) => void;
}

/** Each expense not fully paid and each distribution's withholding not remitted. */
export function PayablesTable({ payables, canPay, onPay }: PayablesTableProps) {
  const columns = canPay ? 6 : 5;
  return (
    <TableCard minWidth={760}>
      <Table horizontalSpacing="md" verticalSpacing="xs" highlightOnHover aria-label="Outstanding payables">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Date</Table.Th>
            <Table.Th>Kind</Table.Th>
            <Table.Th>Description</Table.Th>
            <Table.Th ta="right">Amount</Table.Th>
            <Table.Th ta="right">Outstanding</Table.Th>
            {canPay ? (
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            ) : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {payables.items.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={columns}>
                <Text c="dimmed" size="sm" ta="center" py="md">
                  No expense or withholding is left to pay.
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : (
            payables.items.map((item) => (
              <Table.Tr
                key={`${item.kind}-${item.expense_id ?? item.distribution_id ?? item.description}`}
                data-testid="payable-row"
              >
                <Table.Td>{formatDate(item.item_date)}</Table.Td>
                <Table.Td>{humanize(item.kind)}</Table.Td>
                <Table.Td>{item.description}</Table.Td>
                <Table.Td ta="right">
                  <Money value={item.amount} currency={payables.currency} />
                </Table.Td>
                <Table.Td ta="right">
                  <Money value={item.outstanding} currency={payables.currency} fw={600} />
                </Table.Td>
                {canPay ? (
                  <Table.Td ta="right">
                    <Button
                      size="xs"
                      variant="light"
                      onClick={() => onPay(item)}
                      aria-label={`Pay ${item.description}`}
                    >
                      Pay
                    </Button>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </Table>
    </TableCard>
  );
}
