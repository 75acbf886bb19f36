import { Text, type TextProps } from "@mantine/core";

import { formatMoney, isNegative } from "./format";

/** An amount in its currency, right-aligned digits, red when negative. */
export function Money({
  value,
  currency,
  ...props
}: { value: string | null | undefined; currency: string } & TextProps) {
  return (
    <Text
      size="sm"
      span
      c={isNegative(value) ? "red.7" : undefined}
      style={{ fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }}
      {...props}
    >
      {formatMoney(value, currency)}
    </Text>
  );
}
