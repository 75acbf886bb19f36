/** Which workflow actions a capital call offers to whom (the API enforces the same rules). */

export interface CallState {
  status: string;
  paid_amount: string;
}

/** Approve: a draft, for holders of `capital_call:approve` (the API refuses the call's author). */
export function canApproveCall(permissions: readonly string[], call: CallState): boolean {
  return permissions.includes("capital_call:approve") && call.status === "draft";
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
