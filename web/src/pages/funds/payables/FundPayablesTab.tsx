import { Button, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconCash } from "@tabler/icons-react";
import { useState } from "react";

import { hasPermission, useMe } from "../../../auth/session";
import { formatDate } from "../../../components/formatting";
import { formatMoney, isZero, todayIso } from "../shared/format";
import { KpiCard } from "../shared/KpiCard";
import { QueryView } from "../shared/PanelState";
import type { Fund } from "../shared/queries";
import { DisbursementModal } from "./DisbursementForm";
import { DisbursementsList } from "./DisbursementsList";
import { PayablesTable } from "./PayablesTable";
import { feesTarget, itemTarget, type PayTarget } from "./payables";
import { usePayables, type Payables } from "./queries";

interface OutstandingProps {
  fund: Fund;
  payables: Payables;
  canPay: boolean;
}

/** The fund's cash and what it owes today, each item with the way to pay it. */
function Outstanding({ fund, payables, canPay }: OutstandingProps) {
  const [target, setTarget] = useState<PayTarget | null>(null);
  const [opened, setOpened] = useState(false);
  const pay = (next: PayTarget) => {
    setTarget(next);
    setOpened(true);
  };
  const cur = payables.currency;
  const asOf = formatDate(payables.as_of);
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Text size="sm" c="dimmed">
          What the fund owes on {asOf} and pays out of its cash: management fees, expenses and the tax
          withheld from distributions.
        </Text>
        {canPay ? (
          <Button
            leftSection={<IconCash size={16} />}
            disabled={isZero(payables.management_fees_payable)}
            onClick={() => pay(feesTarget(payables))}
          >
            Pay management fees
          </Button>
        ) : null}
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <KpiCard label="Cash on hand" value={formatMoney(payables.cash, cur)} hint={`as of ${asOf}`} />
        <KpiCard
          label="Management fees payable"
          value={formatMoney(payables.management_fees_payable, cur)}
          hint={`as of ${asOf}`}
        />
      </SimpleGrid>
      <div>
        <Title order={4} mb="xs">
          Left to pay
        </Title>
        <PayablesTable payables={payables} canPay={canPay} onPay={(item) => pay(itemTarget(item))} />
      </div>
      <DisbursementModal
        fundId={fund.id}
        currency={cur}
        cash={payables.cash}
        opened={opened}
        target={target}
        onClose={() => setOpened(false)}
      />
    </Stack>
  );
}

/** A fund's payables (cash, fees payable, unpaid expenses, unremitted withholding) and what it paid. */
export function FundPayablesTab({ fund }: { fund: Fund }) {
  const me = useMe();
  const canPay = hasPermission(me.data, "payment:write");
  const [asOf] = useState(todayIso);
  const payables = usePayables(fund.id, asOf);
  return (
    <Stack gap="lg">
      <QueryView
        query={payables}
        loadingLabel="Loading the payables"
        errorTitle="The payables could not be loaded"
      >
        {(data) => <Outstanding fund={fund} payables={data} canPay={canPay} />}
      </QueryView>
      <DisbursementsList fundId={fund.id} />
    </Stack>
  );
}
