/** Which workflow actions a capital call offers to whom (the API enforces the same rules). */

export interface CallState {
  status: string;
  paid_amount: string;
  /** The user who drafted the call. */
  created_by?: string | null;
}

/** True when `userId` drafted the call: the author of a call may not approve it (maker/checker). */
export function isCallAuthor(call: CallState, userId: string | null | undefined): boolean {
  return Boolean(userId && call.created_by && call.created_by === userId);
}

/**
 * Approve: a draft, for holders of `capital_call:approve` other than its author (the API
 * refuses the author too; the button is not offered to them).
 */
export function canApproveCall(
  permissions: readonly string[],
  call: CallState,
  userId?: string | null,
): boolean {
  return (
    permissions.includes("capital_call:approve") && call.status === "draft" && !isCallAuthor(call, userId)
  );
}

export function canIssueCall(permissions: readonly string[], call: CallState): boolean {
  return permissions.includes("capital_call:write") && call.status === "approved";
}

/** Cancel: a call with no payments yet, before it is paid. */
export function canCancelCall(permissions: readonly string[], call: CallState): boolean {
  return (
    permissions.includes("capital_call:write") &&
    ["draft", "approved", "issued"].includes(call.status) &&
    /^[-+]?0*(\.0*)?$/.test(call.paid_amount)
  );
}

export function canRecordPayment(permissions: readonly string[], call: CallState): boolean {
  return permissions.includes("payment:write") && ["issued", "partially_paid"].includes(call.status);
}
