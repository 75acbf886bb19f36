import { Stack, Title } from "@mantine/core";

import { hasPermission, useMe } from "../../../auth/session";
import type { Fund } from "../shared/queries";
import { PaymentsList } from "./PaymentsList";
import { ReconciliationPanel } from "./ReconciliationPanel";

/** A fund's payments received, and its bank reconciliation. */
export function FundPaymentsTab({ fund }: { fund: Fund }) {
  const me = useMe();
  const canWrite = hasPermission(me.data, "payment:write") && hasPermission(me.data, "capital_call:read");
  return (
    <Stack gap="lg">
      <PaymentsList filters={{ fund_id: fund.id }} showFund={false} />
      {canWrite ? (
        <Stack gap="sm">
          <Title order={3}>Bank reconciliation</Title>
          <ReconciliationPanel fundId={fund.id} currency={fund.currency} canWrite={canWrite} />
        </Stack>
      ) : null}
    </Stack>
  );
}
