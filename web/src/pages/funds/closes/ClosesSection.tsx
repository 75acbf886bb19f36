import { Anchor, Badge, Button, Group, Stack, Text, Title, VisuallyHidden } from "@mantine/core";
import { IconCalendarPlus, IconScale } from "@tabler/icons-react";
import { useState } from "react";
import { Link } from "react-router";

import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { formatDate } from "../../../components/formatting";
import { Money } from "../shared/Money";
import type { Fund } from "../shared/queries";
import { closeName, figuresByClose } from "./closes";
import { useCloses, useFundCommitments, type Close } from "./queries";
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
  const admitted = (close: Close) => (figures ? (figures.get(close.id) ?? { count: 0, total: "0" }) : null);
  const columns: DataTableColumn<Close>[] = [
    { accessor: "number", title: "#" },
    { accessor: "close_date", title: "Date", noWrap: true, render: (close) => formatDate(close.close_date) },
    {
      accessor: "is_initial",
      title: "Kind",
      visibleFrom: "sm",
      render: (close) =>
        close.is_initial ? (
          <Badge variant="light" color="indigo">
            Initial
          </Badge>
        ) : (
          <Badge variant="light" color="grape">
            Subsequent
          </Badge>
        ),
    },
    {
      accessor: "commitments",
      title: "Commitments",
      textAlign: "right",
      visibleFrom: "sm",
      render: (close) => admitted(close)?.count ?? "—",
    },
    {
      accessor: "committed",
      title: "Committed",
      textAlign: "right",
      render: (close) => <Money value={admitted(close)?.total} currency={fund.currency} />,
    },
    {
      accessor: "actions",
      title: <VisuallyHidden>Actions</VisuallyHidden>,
      textAlign: "right",
      hidden: !canEqualize,
      render: (close) =>
        close.is_initial ? null : close.equalization_call_id ? (
          <Anchor component={Link} to={`/capital-calls/${close.equalization_call_id}`} size="sm">
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
        ),
    },
  ];

  return (
    <Stack gap="sm">
      <DataTable
        label="Closes"
        columns={columns}
        records={rows}
        idAccessor="id"
        query={closes}
        noRecordsText="No close was held yet."
        rowAttributes={() => ({ "data-testid": "close-row" })}
        toolbar={
          <Group justify="space-between" style={{ flex: 1 }} gap="sm">
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
        }
      />
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
