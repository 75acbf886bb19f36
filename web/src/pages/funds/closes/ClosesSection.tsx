import { Anchor, Badge, Button, Group, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { IconCalendarPlus, IconScale } from "@tabler/icons-react";
import { useState } from "react";
import { Link } from "react-router";

import { ErrorAlert } from "../../../components/ErrorAlert";
import { TableCard } from "../../../components/TableCard";
import { TableSkeleton } from "../../../components/TableSkeleton";
import { formatDate } from "../../../components/formatting";
import { Money } from "../shared/Money";
import type { Fund } from "../shared/queries";
import { closeName, figuresByClose, useCloses, useFundCommitments, type Close } from "./closes";
import { EqualizationModal } from "./EqualizationModal";
import { HoldCloseModal } from "./HoldCloseModal";

interface ClosesSectionProps {
  fund: Fund;
  /** Offer to hold the next close (the holders of fund:write). */
  canHold: boolean;
  /** Offer to draft each subsequent close's equalization call (the holders of capital_call:write). */
  canEqualize: boolean;
}

/**
 * The fund's closes: the initial close and each subsequent one, with the commitments it holds.
 * The next close is held here, and a subsequent close's late closers are caught up by drafting
 * its equalization call, which then opens on its own page.
 */
export function ClosesSection({ fund, canHold, canEqualize }: ClosesSectionProps) {
  const closes = useCloses(fund.id);
  const commitments = useFundCommitments(fund.id);
  const [holding, setHolding] = useState(false);
  const [holdSession, setHoldSession] = useState(0);
  const [equalizing, setEqualizing] = useState<Close | null>(null);
  const [equalizeOpened, setEqualizeOpened] = useState(false);
  const [equalizeSession, setEqualizeSession] = useState(0);

  const rows = closes.data ?? [];
  const figures = commitments.data?.complete ? figuresByClose(commitments.data.items) : null;
  const latest = rows.at(-1) ?? null;
  const columns = canEqualize ? 6 : 5;

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <div>
          <Title order={4}>Closes</Title>
          <Text size="xs" c="dimmed">
            A commitment joins the latest close held when it is admitted.
          </Text>
        </div>
        {canHold ? (
          <Button
            leftSection={<IconCalendarPlus size={16} />}
            disabled={closes.isPending}
            onClick={() => {
              setHoldSession((current) => current + 1);
              setHolding(true);
            }}
          >
            Hold next close
          </Button>
        ) : null}
      </Group>
      {closes.isPending ? (
        <TableSkeleton label="Loading closes" />
      ) : closes.isError ? (
        <ErrorAlert
          error={closes.error}
          onRetry={() => void closes.refetch()}
          isRetrying={closes.isFetching}
        />
      ) : (
        <TableCard minWidth={720}>
          <Table horizontalSpacing="md" verticalSpacing="xs" highlightOnHover aria-label="Closes">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                <Table.Th>Date</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th ta="right">Commitments</Table.Th>
                <Table.Th ta="right">Committed</Table.Th>
                {canEqualize ? (
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                ) : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={columns}>
                    <Text c="dimmed" size="sm" ta="center" py="md">
                      No close was held yet.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : (
                rows.map((close) => {
                  const admitted = figures ? (figures.get(close.id) ?? { count: 0, total: "0" }) : null;
                  return (
                    <Table.Tr key={close.id} data-testid="close-row">
                      <Table.Td>{close.number}</Table.Td>
                      <Table.Td>{formatDate(close.close_date)}</Table.Td>
                      <Table.Td>
                        {close.is_initial ? (
                          <Badge variant="light" color="indigo">
                            Initial
                          </Badge>
                        ) : (
                          <Badge variant="light" color="grape">
                            Subsequent
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td ta="right">{admitted ? admitted.count : "—"}</Table.Td>
                      <Table.Td ta="right">
                        <Money value={admitted?.total} currency={fund.currency} />
                      </Table.Td>
                      {canEqualize ? (
                        <Table.Td ta="right">
                          {close.is_initial ? null : close.equalization_call_id ? (
                            <Anchor
                              component={Link}
                              to={`/capital-calls/${close.equalization_call_id}`}
                              size="sm"
                            >
                              Equalized by call #{close.equalization_call_number}
                            </Anchor>
                          ) : (
                            <Button
                              size="xs"
                              variant="light"
                              leftSection={<IconScale size={14} aria-hidden />}
                              aria-label={`Draft the equalization call of ${closeName(close).toLowerCase()}`}
                              onClick={() => {
                                setEqualizing(close);
                                setEqualizeSession((current) => current + 1);
                                setEqualizeOpened(true);
                              }}
                            >
                              Draft equalization call
                            </Button>
                          )}
                        </Table.Td>
                      ) : null}
                    </Table.Tr>
                  );
                })
              )}
            </Table.Tbody>
          </Table>
        </TableCard>
      )}
      {canHold ? (
        <HoldCloseModal
          fundId={fund.id}
          latest={latest}
          opened={holding}
          session={holdSession}
          onDone={() => setHolding(false)}
        />
      ) : null}
      {canEqualize ? (
        <EqualizationModal
          fundId={fund.id}
          currency={fund.currency}
          opened={equalizeOpened}
          close={equalizing}
          figures={equalizing ? (figures?.get(equalizing.id) ?? null) : null}
          session={equalizeSession}
          onClose={() => setEqualizeOpened(false)}
        />
      ) : null}
    </Stack>
  );
}
