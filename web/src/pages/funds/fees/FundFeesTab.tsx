import { Stack, Text } from "@mantine/core";

import { hasPermission, useMe } from "../../../auth/session";
import { useCompanyOptions, type Fund } from "../shared/queries";
import { ExpensesSection } from "./ExpensesSection";
import { FeeRunsSection } from "./FeeRunsSection";
import { TransactionFeesSection } from "./TransactionFeesSection";

/**
 * A fund's fees and expenses: the management fee runs (billed a period at a time, after a
 * preview), the expenses charged to the partners, and the transaction fees that offset the
 * management fees. Recording and cancelling need fee:write.
 */
export function FundFeesTab({ fund }: { fund: Fund }) {
  const me = useMe();
  const canWrite = hasPermission(me.data, "fee:write");
  const canReadPortfolio = hasPermission(me.data, "valuation:read");
  const companies = useCompanyOptions(fund.id, canReadPortfolio);
  const companyOptions = canReadPortfolio ? (companies.data ?? []) : null;
  return (
    <Stack gap="xl">
      <Text size="sm" c="dimmed">
        Management fees are billed to the LPs a period at a time and posted to their capital accounts;
        expenses are charged to the partners pro rata to commitments. What is owed to the manager and to
        vendors is paid in the Payables tab.
      </Text>
      <FeeRunsSection fund={fund} canWrite={canWrite} />
      <ExpensesSection fund={fund} canWrite={canWrite} companies={companyOptions} />
      <TransactionFeesSection fund={fund} canWrite={canWrite} companies={companyOptions} />
    </Stack>
  );
}
