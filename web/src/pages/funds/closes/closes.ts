/** The figures the closes section draws from a fund's commitments, and how it names a close. */
import { sumAmounts } from "../shared/format";
import type { Close, Commitment } from "./queries";

/** What one close admitted: its active commitments and their total. */
export interface CloseFigures {
  count: number;
  total: string;
}

/**
 * The active commitments each close holds and their exact total, by close id. A transferee's
 * commitment belongs to its transferor's close, so a transfer leaves a close's total unchanged.
 */
export function figuresByClose(commitments: readonly Commitment[]): Map<string, CloseFigures> {
  const amounts = new Map<string, string[]>();
  for (const commitment of commitments) {
    if (commitment.status !== "active") continue;
    amounts.set(commitment.close_id, [...(amounts.get(commitment.close_id) ?? []), commitment.amount]);
  }
  return new Map(
    [...amounts].map(([closeId, values]) => [closeId, { count: values.length, total: sumAmounts(values) }]),
  );
}

/** `Close #2`: a close as the page names it. */
export function closeName(close: Pick<Close, "number">): string {
  return `Close #${close.number}`;
}
