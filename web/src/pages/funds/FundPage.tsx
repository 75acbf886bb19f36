import { Anchor, Badge, Group, Stack, Tabs, Text } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { Link, useNavigate, useParams } from "react-router";

import { hasPermission, useMe } from "../../auth/session";
import { ErrorAlert } from "../../components/ErrorAlert";
import { FullPageLoader } from "../../components/FullPageLoader";
import { PageHeader } from "../../components/PageHeader";
import { humanize } from "../../components/formatting";
import { FundCallsTab } from "./calls/FundCallsTab";
import { FundFeesTab } from "./fees/FundFeesTab";
import { CapitalAccountsTab } from "./fund/CapitalAccountsTab";
import { CommitmentsTab } from "./fund/CommitmentsTab";
import { DistributionsTab } from "./fund/DistributionsTab";
import { ImportsTab } from "./fund/ImportsTab";
import { LedgerTab } from "./fund/LedgerTab";
import { OverviewTab } from "./fund/OverviewTab";
import { PerformanceTab } from "./fund/PerformanceTab";
import { PortfolioTab } from "./fund/PortfolioTab";
import { ReportsTab } from "./fund/ReportsTab";
import { FundPayablesTab } from "./payables/FundPayablesTab";
import { FundPaymentsTab } from "./payments/FundPaymentsTab";
import { formatPercent } from "./shared/format";
import { useFund, type Fund } from "./shared/queries";
import { StatusBadge } from "./shared/StatusBadge";

interface FundTab {
  value: string;
  label: string;
  /** Every permission the tab's reads need. */
  permissions: readonly string[];
  render: (fund: Fund) => React.ReactNode;
}

export const FUND_TABS: readonly FundTab[] = [
  {
    value: "overview",
    label: "Overview",
    permissions: ["fund:read"],
    render: (fund) => <OverviewTab fund={fund} />,
  },
  {
    value: "lps",
    label: "LPs and commitments",
    permissions: ["commitment:read"],
    render: (fund) => <CommitmentsTab fund={fund} />,
  },
  {
    value: "capital-calls",
    label: "Capital calls",
    permissions: ["capital_call:read"],
    render: (fund) => <FundCallsTab fund={fund} />,
  },
  {
    value: "distributions",
    label: "Distributions",
    permissions: ["distribution:read"],
    render: (fund) => <DistributionsTab fund={fund} />,
  },
  {
    value: "fees",
    label: "Fees and expenses",
    permissions: ["fee:read"],
    render: (fund) => <FundFeesTab fund={fund} />,
  },
  {
    value: "payments",
    label: "Payments",
    permissions: ["payment:read"],
    render: (fund) => <FundPaymentsTab fund={fund} />,
  },
  {
    value: "payables",
    label: "Payables",
    permissions: ["payment:read"],
    render: (fund) => <FundPayablesTab fund={fund} />,
  },
  {
    value: "capital-accounts",
    label: "Capital accounts",
    permissions: ["ledger:read"],
    render: (fund) => <CapitalAccountsTab fund={fund} />,
  },
  {
    value: "performance",
    label: "Performance",
    permissions: ["performance:read"],
    render: (fund) => <PerformanceTab fund={fund} />,
  },
  {
    value: "portfolio",
    label: "Portfolio",
    permissions: ["valuation:read"],
    render: (fund) => <PortfolioTab fund={fund} />,
  },
  {
    value: "ledger",
    label: "Ledger",
    permissions: ["ledger:read"],
    render: (fund) => <LedgerTab fund={fund} />,
  },
  {
    value: "reports",
    label: "Reports",
    permissions: ["report:read"],
    render: (fund) => <ReportsTab fund={fund} />,
  },
  {
    value: "imports",
    label: "Imports",
    permissions: ["import:write"],
    render: (fund) => <ImportsTab fund={fund} />,
  },
];

function FundTerms({ fund }: { fund: Fund }) {
  return (
    <Group gap="xs" wrap="wrap">
      <Badge variant="outline" color="gray">
        {fund.currency}
      </Badge>
      {fund.vintage ? (
        <Badge variant="outline" color="gray">
          Vintage {fund.vintage}
        </Badge>
      ) : null}
      <Badge variant="outline" color="gray">
        {humanize(fund.waterfall_type)} waterfall
      </Badge>
      <Text size="xs" c="dimmed">
        Hurdle {formatPercent(fund.hurdle_rate)} · catch-up {formatPercent(fund.catch_up_rate)} · carry{" "}
        {formatPercent(fund.carry_rate)} · fee {formatPercent(fund.investment_period_rate)} then{" "}
        {formatPercent(fund.post_period_rate)} on {humanize(fund.post_period_basis)}
      </Text>
    </Group>
  );
}

/** `/funds/:fundId/:tab`: one fund, its dashboard and a tab for each part of its administration. */
export function FundPage() {
  const { fundId = "", tab } = useParams();
  const navigate = useNavigate();
  const me = useMe();
  const fund = useFund(fundId);
  const tabs = FUND_TABS.filter((entry) => entry.permissions.every((p) => hasPermission(me.data, p)));
  const current = tabs.find((entry) => entry.value === tab) ?? tabs[0];

  if (fund.isPending) return <FullPageLoader label="Loading the fund" inline />;
  if (fund.isError) {
    return (
      <Stack>
        <Anchor component={Link} to="/funds" size="sm">
          <Group gap={4}>
            <IconArrowLeft size={14} /> Funds
          </Group>
        </Anchor>
        <ErrorAlert error={fund.error} onRetry={() => void fund.refetch()} isRetrying={fund.isFetching} />
      </Stack>
    );
  }

  return (
    <>
      <Anchor component={Link} to="/funds" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden /> Funds
        </Group>
      </Anchor>
      <PageHeader
        title={fund.data.name}
        description={fund.data.strategy ?? fund.data.legal_name ?? undefined}
        actions={<StatusBadge status={fund.data.status} />}
      />
      <Stack gap="md">
        <FundTerms fund={fund.data} />
        <Tabs
          value={current?.value ?? null}
          onChange={(value) => {
            if (value) void navigate(value === "overview" ? `/funds/${fundId}` : `/funds/${fundId}/${value}`);
          }}
          keepMounted={false}
        >
          <Tabs.List mb="md">
            {tabs.map((entry) => (
              <Tabs.Tab key={entry.value} value={entry.value}>
                {entry.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {current ? <Tabs.Panel value={current.value}>{current.render(fund.data)}</Tabs.Panel> : null}
        </Tabs>
      </Stack>
    </>
  );
}
