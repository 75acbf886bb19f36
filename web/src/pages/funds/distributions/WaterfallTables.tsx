import { Anchor, Badge, Group, Stack, Title } from "@mantine/core";
import { IconFileTypePdf } from "@tabler/icons-react";
import { Link } from "react-router";

import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { humanize } from "../../../components/formatting";
import { Money } from "../shared/Money";
import type { Waterfall } from "./queries";

type Tier = Waterfall["tiers"][number];
type Partner = Waterfall["partners"][number];

interface WaterfallTablesProps {
  tiers: readonly Tier[];
  partners: readonly Partner[];
  currency: string;
  /** The notice of each partner, when the distribution exists. */
  noticeUrl?: (investorId: string) => string;
}

function tierColumns(currency: string): DataTableColumn<Tier>[] {
  return [
    { accessor: "tier", title: "Tier", render: (tier) => humanize(tier.tier) },
    {
      accessor: "lp_amount",
      title: "To LPs",
      textAlign: "right",
      visibleFrom: "sm",
      render: (tier) => <Money value={tier.lp_amount} currency={currency} />,
    },
    {
      accessor: "gp_amount",
      title: "To GP",
      textAlign: "right",
      visibleFrom: "sm",
      render: (tier) => <Money value={tier.gp_amount} currency={currency} />,
    },
    {
      accessor: "gp_carry",
      title: "of which carry",
      textAlign: "right",
      visibleFrom: "md",
      render: (tier) => <Money value={tier.gp_carry} currency={currency} />,
    },
    {
      accessor: "amount",
      title: "Tier total",
      textAlign: "right",
      render: (tier) => <Money value={tier.amount} currency={currency} fw={600} />,
    },
  ];
}

function partnerColumns(
  currency: string,
  noticeUrl: WaterfallTablesProps["noticeUrl"],
): DataTableColumn<Partner>[] {
  const money = (
    key: "amount" | "carried_interest" | "withholding_amount" | "recallable_amount",
    title: string,
    visibleFrom: "sm" | "md",
  ): DataTableColumn<Partner> => ({
    accessor: key,
    title,
    textAlign: "right",
    visibleFrom,
    render: (partner) => <Money value={partner[key]} currency={currency} />,
  });
  return [
    {
      accessor: "investor_name",
      title: "Partner",
      render: (partner) => (
        <Group gap={6} wrap="nowrap">
          <Anchor component={Link} to={`/investors/${partner.investor_id}`} size="sm">
            {partner.investor_name}
          </Anchor>
          {partner.is_gp ? (
            <Badge size="xs" variant="outline">
              GP
            </Badge>
          ) : null}
        </Group>
      ),
    },
    money("amount", "Gross", "sm"),
    money("carried_interest", "Carried interest", "md"),
    money("withholding_amount", "Withholding", "md"),
    {
      accessor: "net_amount",
      title: "Net",
      textAlign: "right",
      render: (partner) => <Money value={partner.net_amount} currency={currency} fw={600} />,
    },
    money("recallable_amount", "Recallable", "md"),
    {
      accessor: "notice",
      title: "Notice",
      hidden: !noticeUrl,
      render: (partner) => (
        <Anchor
          href={noticeUrl?.(partner.investor_id)}
          target="_blank"
          rel="noopener"
          size="sm"
          aria-label={`Notice for ${partner.investor_name} (PDF)`}
        >
          <Group gap={4} wrap="nowrap">
            <IconFileTypePdf size={16} aria-hidden /> PDF
          </Group>
        </Anchor>
      ),
    },
  ];
}

/** A distribution through the waterfall: what each tier paid the LPs and the GP, and each partner's share. */
export function WaterfallTables({ tiers, partners, currency, noticeUrl }: WaterfallTablesProps) {
  return (
    <Stack gap="md">
      <div>
        <Title order={4} mb="xs">
          Waterfall tiers
        </Title>
        <DataTable
          label="Waterfall tiers"
          columns={tierColumns(currency)}
          records={tiers}
          idAccessor="tier"
          rowAttributes={() => ({ "data-testid": "tier-row" })}
        />
      </div>
      <div>
        <Title order={4} mb="xs">
          Partners
        </Title>
        <DataTable
          label="Partners' shares"
          columns={partnerColumns(currency, noticeUrl)}
          records={partners}
          idAccessor={(partner) => `${partner.investor_id}-${partner.is_gp}`}
          noRecordsText="No partner receives anything."
          rowAttributes={() => ({ "data-testid": "partner-row" })}
        />
      </div>
    </Stack>
  );
}
