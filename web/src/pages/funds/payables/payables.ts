/** What the payables page offers to pay: the management fees payable, or one outstanding item. */
import type { DisbursementKind, Payable, Payables } from "./queries";

/** What one payment settles: the management fees payable, or one outstanding item. */
export interface PayTarget {
  kind: DisbursementKind;
  expenseId: string | null;
  distributionId: string | null;
  description: string;
  /** What is left to pay, the amount the form starts from. */
  outstanding: string;
}

/** The management fees payable as something to pay. */
export function feesTarget(payables: Payables): PayTarget {
  return {
    kind: "management_fee",
    expenseId: null,
    distributionId: null,
    description: "Management fees payable to the manager",
    outstanding: payables.management_fees_payable,
  };
}

/** An expense not fully paid, or a withholding not remitted, as something to pay. */
export function itemTarget(item: Payable): PayTarget {
  return {
    kind: item.kind,
    expenseId: item.expense_id ?? null,
    distributionId: item.distribution_id ?? null,
    description: item.description,
    outstanding: item.outstanding,
  };
}
