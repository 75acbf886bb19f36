import { Group, Select, Switch } from "@mantine/core";
import { useState } from "react";

import { PageHeader } from "../../../components/PageHeader";
import { csvUrl } from "../shared/links";
import { useFundOptions } from "../shared/queries";
import { CallsTable } from "./CallsTable";
import { useCalls, type CallFilters } from "./queries";

export const CALL_STATUSES = [
  { value: "draft", label: "Draft" },
  { value: "approved", label: "Approved" },
  { value: "issued", label: "Issued" },
  { value: "partially_paid", label: "Partially paid" },
  { value: "paid", label: "Paid" },
  { value: "cancelled", label: "Cancelled" },
];

/** `/capital-calls`: every fund's calls, filtered by fund, status and whether overdue. */
export function CallsListPage() {
  const funds = useFundOptions();
  const [fundId, setFundId] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [overdue, setOverdue] = useState(false);
  const filters: CallFilters = {
    limit: 50,
    ...(fundId ? { fund_id: fundId } : {}),
    ...(status ? { status: status as NonNullable<CallFilters["status"]> } : {}),
    ...(overdue ? { overdue: true } : {}),
  };
  const calls = useCalls(filters);

  return (
    <>
      <PageHeader
        title="Capital calls"
        description="Calls across your funds. A new call is drafted from its fund's page."
      />
      <CallsTable
        calls={calls.rows}
        query={calls}
        csvHref={csvUrl("/api/v1/capital-calls", {}, filters)}
        toolbar={
          <Group gap="sm" align="flex-end" wrap="wrap">
            <Select
              label="Fund"
              placeholder="Every fund"
              data={funds.data ?? []}
              value={fundId}
              onChange={setFundId}
              clearable
              searchable
              w={{ base: "100%", sm: 260 }}
            />
            <Select
              label="Status"
              placeholder="Any status"
              data={CALL_STATUSES}
              value={status}
              onChange={setStatus}
              clearable
              w={{ base: "100%", sm: 180 }}
            />
            <Switch
              label="Overdue only"
              checked={overdue}
              onChange={(event) => setOverdue(event.currentTarget.checked)}
              mb={8}
            />
          </Group>
        }
      />
    </>
  );
}
