/**
 * Every cache key of the app, from one factory, so a mutation invalidates exactly what it
 * changed and two reads of the same answer share one entry. A key starts with its resource;
 * everything of one fund sits under `fundKeys.parts(fundId)`.
 */

export const meQueryKey = ["me"] as const;

export const fundKeys = {
  all: ["funds"] as const,
  list: (filters: object) => ["funds", "list", filters] as const,
  options: ["funds", "options"] as const,
  detail: (fundId: string) => ["funds", "detail", fundId] as const,
  dashboard: (fundId: string) => ["funds", "dashboard", fundId] as const,
  /** Every part of one fund below (its ledger, capital accounts, NAV, payables...). */
  parts: (fundId: string) => ["funds", "part", fundId] as const,
  part: (fundId: string, part: string, ...rest: unknown[]) =>
    ["funds", "part", fundId, part, ...rest] as const,
};

export const callKeys = {
  all: ["capital-calls"] as const,
  list: (filters: object) => ["capital-calls", "list", filters] as const,
  detail: (callId: string) => ["capital-calls", "detail", callId] as const,
};

export const distributionKeys = {
  all: ["distributions"] as const,
  list: (fundId: string) => ["distributions", "list", fundId] as const,
  detail: (distributionId: string) => ["distributions", "detail", distributionId] as const,
};

export const investorKeys = {
  all: ["investors"] as const,
  list: (filters: object) => ["investors", "list", filters] as const,
  options: (fundId: string | null) => ["investors", "options", fundId] as const,
  detail: (investorId: string) => ["investors", "detail", investorId] as const,
  /** The investor's commitments across funds, under its detail so a change to it refreshes them. */
  commitments: (investorId: string, query: object) =>
    ["investors", "detail", investorId, "commitments", query] as const,
  users: (investorId: string) => ["investors", "detail", investorId, "users"] as const,
};

export const paymentKeys = {
  all: ["payments"] as const,
  list: (filters: object) => ["payments", "list", filters] as const,
};

export const feeKeys = {
  feeRuns: (fundId: string) => fundKeys.part(fundId, "fee-runs"),
  expenses: (fundId: string) => fundKeys.part(fundId, "expenses"),
  transactionFees: (fundId: string) => fundKeys.part(fundId, "transaction-fees"),
};

export const payableKeys = {
  payables: (fundId: string, asOf: string) => fundKeys.part(fundId, "payables", asOf),
  disbursements: (fundId: string) => fundKeys.part(fundId, "disbursements"),
};

export const closeKeys = {
  closes: (fundId: string) => fundKeys.part(fundId, "closes"),
  transfers: (fundId: string) => fundKeys.part(fundId, "transfers"),
  /** Every commitment of the fund in one page, for pickers and the figures of each close. */
  commitments: (fundId: string) => fundKeys.part(fundId, "commitments", "all"),
};

/** The signed-in limited partner's own lists. */
export const portalKeys = {
  all: ["portal"] as const,
  part: (part: string, ...rest: unknown[]) => ["portal", part, ...rest] as const,
};

export const userKeys = {
  members: ["users"] as const,
  memberList: (filters: object) => ["users", filters] as const,
  lpOptions: ["users", "lp-options"] as const,
  invitations: ["invitations"] as const,
  /** The invitations of one party (e.g. an investor's LP users); under `invitations`. */
  partyInvitations: (partyId: string) => ["invitations", "party", partyId] as const,
  roles: ["roles"] as const,
};

export const profileKeys = {
  apiKeys: ["api-keys"] as const,
  sessions: ["sessions"] as const,
};

export const auditKeys = {
  all: ["audit"] as const,
  list: (filters: object) => ["audit", "list", filters] as const,
  verification: ["audit", "verification"] as const,
};

export const jobKeys = { detail: (jobId: string) => ["jobs", jobId] as const };

export const benchmarkKeys = { options: ["benchmarks", "options"] as const };
