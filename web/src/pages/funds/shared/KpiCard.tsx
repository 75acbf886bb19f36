import { Paper, Text, Tooltip } from "@mantine/core";

interface KpiCardProps {
  label: string;
  value: string;
  /** The exact figure, when the card shows a rounded one. */
  exact?: string;
  hint?: string;
}

/** One headline figure of a dashboard. */
export function KpiCard({ label, value, exact, hint }: KpiCardProps) {
  const figure = (
    <Text fz={24} fw={650} style={{ fontVariantNumeric: "tabular-nums" }} data-testid="kpi-value">
      {value}
    </Text>
  );
  return (
    <Paper p="md" radius="md" role="group" aria-label={label} data-testid="kpi">
      <Text size="xs" c="dimmed" fw={700} tt="uppercase">
        {label}
      </Text>
      {exact && exact !== value ? <Tooltip label={exact}>{figure}</Tooltip> : figure}
      {hint ? (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      ) : null}
    </Paper>
  );
}
