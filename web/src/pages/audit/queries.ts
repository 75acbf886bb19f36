/** The organization's audit log: its records and the check of its hash chain. */
import { useMutation } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { useCursorList } from "../../api/pagination";
import { auditKeys } from "../../api/queryKeys";
import type { QueryOf, ResponseOf } from "../../api/types";

export type AuditRecord = ResponseOf<"/api/v1/audit", "get">["items"][number];
export type AuditFilters = QueryOf<"/api/v1/audit", "get">;
export type ChainReport = ResponseOf<"/api/v1/audit/verify", "get">;

/** Audit records matching `filters`, newest first, page after page. */
export function useAuditRecords(filters: AuditFilters) {
  return useCursorList(auditKeys.list(filters), (cursor) =>
    unwrap(api.GET("/api/v1/audit", { params: { query: { ...filters, ...(cursor ? { cursor } : {}) } } })),
  );
}

/** Walk the whole hash chain on demand; a check, so it runs when asked rather than on every visit. */
export function useVerifyAuditChain() {
  return useMutation({ mutationFn: () => unwrap(api.GET("/api/v1/audit/verify")) });
}
