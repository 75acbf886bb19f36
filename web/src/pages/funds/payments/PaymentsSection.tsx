import { Group, Select, Stack, Tabs, Text } from "@mantine/core";
import { useState } from "react";
import { useSearchParams } from "react-router";

import { hasPermission, useMe } from "../../../auth/session";
import { PageHeader } from "../../../components/PageHeader";
import { DateField } from "../shared/DateField";
import { useFundOptions } from "../shared/queries";
import { PaymentsList } from "./PaymentsList";
import type { PaymentFilters } from "./queries";
import { ReconciliationPanel } from "./ReconciliationPanel";

function ReconcileTab() {
  const funds = useFundOptions();
  const [fundId, setFundId] = useState<string | null>(null);
  const fund = funds.data?.find((option) => option.value === fundId);
  return (
    <Stack gap="md">
      <Select
        label="Fund"
        placeholder="Choose the fund the statement belongs to"
        data={funds.data ?? []}
        value={fundId}
        onChange={setFundId}
        searchable
        w={{ base: "100%", sm: 320 }}
      />
      {fund ? (
        <ReconciliationPanel key={fund.value} fundId={fund.value} currency={fund.currency} canWrite />
      ) : (
        <Text size="sm" c="dimmed">
          Choose a fund to reconcile its bank statement.
        </Text>
      )}
    </Stack>
  );
}

/** `/payments`: payments across funds, and bank reconciliation for the holders of payment:write. */
export default function PaymentsSection() {
  const me = useMe();
  const canReconcile =
    hasPermission(me.data, "payment:write") &&
    hasPermission(me.data, "capital_call:read") &&
    hasPermission(me.data, "fund:read");
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab") === "reconcile" && canReconcile ? "reconcile" : "payments";
  const funds = useFundOptions(hasPermission(me.data, "fund:read"));
  const [fundId, setFundId] = useState<string | null>(null);
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const filters: PaymentFilters = {
    ...(fundId ? { fund_id: fundId } : {}),
    ...(from ? { received_from: from } : {}),
    ...(to ? { received_to: to } : {}),
  };

  return (
    <>
      <PageHeader title="Payments" description="Capital contributions received from the LPs." />
      <Tabs
        value={tab}
        onChange={(value) => setParams(value === "reconcile" ? { tab: value } : {}, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="payments">Payments</Tabs.Tab>
          {canReconcile ? <Tabs.Tab value="reconcile">Bank reconciliation</Tabs.Tab> : null}
        </Tabs.List>
        <Tabs.Panel value="payments">
          <Stack gap="md">
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
              <DateField
                label="Received from"
                value={from}
                onChange={setFrom}
                clearable
                w={{ base: "100%", sm: 170 }}
              />
              <DateField
                label="Received to"
                value={to}
                onChange={setTo}
                clearable
                w={{ base: "100%", sm: 170 }}
              />
            </Group>
            <PaymentsList filters={filters} />
          </Stack>
        </Tabs.Panel>
        {canReconcile ? (
          <Tabs.Panel value="reconcile">
            <ReconcileTab />
          </Tabs.Panel>
        ) : null}
      </Tabs>
    </>
  );
}
