import { Anchor, Badge, Group, Table, Text } from "@mantine/core";
import { Link } from "react-router";

import type { ResponseOf } from "../../../api/types";
import { TableCard } from "../../../components/TableCard";
import { formatDate, humanize } from "../../../components/formatting";
import { Money } from "../shared/Money";
import { StatusBadge } from "../shared/StatusBadge";

export type CallSummary = ResponseOf<"/api/v1/capital-calls", "get">["items"][number];

/** Capital calls, newest first, each linking to its page. */
export function CallsTable({
  calls,
  showFund = true,
}: {
  calls: readonly CallSummary[];
  showFund?: boolean;
}) {
  const columns = showFund ? 9 : 8;
  return (
    <TableCard minWidth={900}>
      <Table horizontalSpacing="md" verticalSpacing="xs" highlightOnHover aria-label="Capital calls">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Call</Table.Th>
            {showFund ? <Table.Th>Fund</Table.Th> : null}
            <Table.Th>Purpose</Table.Th>
            <Table.Th>Call date</Table.Th>
            <Table.Th>Due</Table.Th>
            <Table.Th ta="right">Amount due</Table.Th>
            <Table.Th ta="right">Paid</Table.Th>
            <Table.Th ta="right">Outstanding</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {calls.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={columns}>
                <Text c="dimmed" size="sm" ta="center" py="md">
                  No capital calls.
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : (
            calls.map((call) => (
              <Table.Tr key={call.id} data-testid="call-row">
                <Table.Td>
                  <Anchor component={Link} to={`/capital-calls/${call.id}`} size="sm" fw={500}>
                    Call {call.number}
                  </Anchor>
                </Table.Td>
                {showFund ? (
                  <Table.Td>
                    <Anchor component={Link} to={`/funds/${call.fund_id}`} size="sm">
                      {call.fund_name}
                    </Anchor>
                  </Table.Td>
                ) : null}
                <Table.Td>{humanize(call.purpose)}</Table.Td>
                <Table.Td>{formatDate(call.call_date)}</Table.Td>
                <Table.Td>{formatDate(call.due_date)}</Table.Td>
                <Table.Td ta="right">
                  <Money value={call.amount_due} currency={call.currency} />
                </Table.Td>
                <Table.Td ta="right">
                  <Money value={call.paid_amount} currency={call.currency} />
                </Table.Td>
                <Table.Td ta="right">
                  <Money value={call.outstanding} currency={call.currency} />
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <StatusBadge status={call.status} />
                    {call.is_overdue ? (
                      <Badge color="red" variant="filled" size="sm">
                        Overdue
                      </Badge>
                    ) : null}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </Table>
    </TableCard>
  );
}
