import { Button, Group, Text } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { Link } from "react-router";

import { hasPermission, useMe } from "../../../auth/session";
import { csvUrl } from "../shared/links";
import type { Fund } from "../shared/queries";
import { CallsTable } from "./CallsTable";
import { useCalls } from "./queries";

/** A fund's capital calls, and the way to draft a new one. */
export function FundCallsTab({ fund }: { fund: Fund }) {
  const me = useMe();
  const canWrite = hasPermission(me.data, "capital_call:write");
  const filters = { fund_id: fund.id, limit: 50 };
  const calls = useCalls(filters);
  return (
    <CallsTable
      calls={calls.rows}
      showFund={false}
      query={calls}
      csvHref={csvUrl("/api/v1/capital-calls", {}, filters)}
      toolbar={
        <Group justify="space-between" style={{ flex: 1 }} gap="sm">
          <Text size="sm" c="dimmed">
            A call is drafted, approved by a second person, then issued to the LPs.
          </Text>
          {canWrite ? (
            <Button
              component={Link}
              to={`/funds/${fund.id}/capital-calls/new`}
              leftSection={<IconPlus size={16} />}
            >
              New capital call
            </Button>
          ) : null}
        </Group>
      }
    />
  );
}
