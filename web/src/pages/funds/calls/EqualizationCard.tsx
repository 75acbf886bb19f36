import { Anchor, Text, Title } from "@mantine/core";
import { Link } from "react-router";

import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { formatDate } from "../../../components/formatting";
import { formatPercent, sumAmounts } from "../shared/format";
import { Money } from "../shared/Money";

import type { CallDetail } from "./queries";

type EqualizationItem = NonNullable<CallDetail["equalization"]>[number];

function ItemKind({ item }: { item: EqualizationItem }) {
  if (item.kind === "capital_call" && item.source_call_id) {
    return (
      <Anchor component={Link} to={`/capital-calls/${item.source_call_id}`} size="sm">
        Capital call
      </Anchor>
    );
  }
  return <>{item.kind === "fee" ? "Management fee" : "Capital call"}</>;
}

function equalizationColumns(
  items: readonly EqualizationItem[],
  currency: string,
): DataTableColumn<EqualizationItem>[] {
  return [
    { accessor: "investor_name", title: "Investor", footer: "Total" },
    { accessor: "kind", title: "Kind", render: (item) => <ItemKind item={item} /> },
    {
      accessor: "due_date",
      title: "Due date",
      visibleFrom: "sm",
      render: (item) => formatDate(item.due_date),
    },
    {
      accessor: "amount",
      title: "Amount",
      textAlign: "right",
      render: (item) => <Money value={item.amount} currency={currency} />,
      footer: <Money value={sumAmounts(items.map((item) => item.amount))} currency={currency} fw={700} />,
    },
    {
      accessor: "rate",
      title: "Rate",
      textAlign: "right",
      visibleFrom: "sm",
      render: (item) => formatPercent(item.rate),
    },
    { accessor: "days", title: "Days", textAlign: "right", visibleFrom: "sm" },
    {
      accessor: "interest",
      title: "Interest",
      textAlign: "right",
      render: (item) => <Money value={item.interest} currency={currency} />,
      footer: <Money value={sumAmounts(items.map((item) => item.interest))} currency={currency} fw={700} />,
    },
  ];
}

/**
 * What an equalization call catches up: each fee installment and earlier call a late closer
 * would have paid had it been admitted at the first close, with its equalization interest.
 */
export function EqualizationCard({
  items,
  currency,
}: {
  items: readonly EqualizationItem[];
  currency: string;
}) {
  return (
    <div>
      <Title order={4} mb={4}>
        Catch-up of the late closers
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        Each late closer pays the fees and calls due before its close as if it had been admitted at the first
        close, with interest from each due date to its close; the interest goes to the LPs admitted earlier.
      </Text>
      <DataTable
        label="Equalization catch-up"
        columns={equalizationColumns(items, currency)}
        records={items}
        idAccessor={(item) =>
          `${item.commitment_id}-${item.source_call_id ?? item.source_fee_run_id ?? item.due_date}`
        }
        rowAttributes={() => ({ "data-testid": "equalization-row" })}
        footerAttributes={{ "data-testid": "equalization-total" }}
      />
    </div>
  );
}
