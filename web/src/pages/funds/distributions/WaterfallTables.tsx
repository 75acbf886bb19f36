import { Anchor, Badge, Group, Stack, Table, Text, Title } from "@mantine/core";
import { IconFileTypePdf } from "@tabler/icons-react";
import { Link } from "react-router";

import type { ResponseOf } from "../../../api/types";
import { TableCard } from "../../../components/TableCard";
import { humanize } from "../../../components/formatting";
import { Money } from "../shared/Money";

type Waterfall = ResponseOf<"/api/v1/funds/{fund_id}/distributions/preview", "post">;
type Tier = Waterfall["tiers"][number];
type Partner = Waterfall["partners"][number];

interface WaterfallTablesProps {
  tiers: readonly Tier[];
  partners: readonly Partner[];
  currency: string;
  /** The notice of each partner, when the distribution exists. */
  noticeUrl?: (investorId: string) => string;
}

/** A distribution through the waterfall: what each tier paid the LPs and the GP, and each partner's share. */
export function WaterfallTables({ tiers, partners, currency, noticeUrl }: WaterfallTablesProps) {
  return (
    <Stack gap="md">
      <div>
        <Title order={4} mb="xs">
          Waterfall tiers
        </Title>
        <TableCard minWidth={640}>
          <Table horizontalSpacing="md" verticalSpacing="xs" aria-label="Waterfall tiers">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Tier</Table.Th>
                <Table.Th ta="right">To LPs</Table.Th>
                <Table.Th ta="right">To GP</Table.Th>
                <Table.Th ta="right">of which carry</Table.Th>
                <Table.Th ta="right">Tier total</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tiers.map((tier) => (
                <Table.Tr key={tier.tier} data-testid="tier-row">
                  <Table.Td>{humanize(tier.tier)}</Table.Td>
                  <Table.Td ta="right">
                    <Money value={tier.lp_amount} currency={currency} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Money value={tier.gp_amount} currency={currency} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Money value={tier.gp_carry} currency={currency} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Money value={tier.amount} currency={currency} fw={600} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableCard>
      </div>
      <div>
        <Title order={4} mb="xs">
          Partners
        </Title>
        <TableCard minWidth={860}>
          <Table horizontalSpacing="md" verticalSpacing="xs" aria-label="Partners' shares" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Partner</Table.Th>
                <Table.Th ta="right">Gross</Table.Th>
                <Table.Th ta="right">Carried interest</Table.Th>
                <Table.Th ta="right">Withholding</Table.Th>
                <Table.Th ta="right">Net</Table.Th>
                <Table.Th ta="right">Recallable</Table.Th>
                {noticeUrl ? <Table.Th>Notice</Table.Th> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {partners.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={noticeUrl ? 7 : 6}>
                    <Text size="sm" c="dimmed" ta="center" py="sm">
                      No partner receives anything.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : (
                partners.map((partner) => (
                  <Table.Tr key={`${partner.investor_id}-${partner.is_gp}`} data-testid="partner-row">
                    <Table.Td>
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
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money value={partner.amount} currency={currency} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money value={partner.carried_interest} currency={currency} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money value={partner.withholding_amount} currency={currency} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money value={partner.net_amount} currency={currency} fw={600} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money value={partner.recallable_amount} currency={currency} />
                    </Table.Td>
                    {noticeUrl ? (
                      <Table.Td>
                        <Anchor
                          href={noticeUrl(partner.investor_id)}
                          target="_blank"
                          rel="noopener"
                          size="sm"
                          aria-label={`Notice for ${partner.investor_name} (PDF)`}
                        >
                          <Group gap={4} wrap="nowrap">
                            <IconFileTypePdf size={16} aria-hidden /> PDF
                          </Group>
                        </Anchor>
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                ))
              )}
            </Table.Tbody>
          </Table>
        </TableCard>
      </div>
    </Stack>
  );
}
