/** The reads and writes of a fund's tabs (commitments, capital accounts, ledger, performance, portfolio, reports, imports...). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import { useCursorList } from "../../../api/pagination";
import { benchmarkKeys, fundKeys, investorKeys, jobKeys } from "../../../api/queryKeys";
import type { BodyOf, QueryOf, ResponseOf } from "../../../api/types";
import { formatDate } from "../../../components/formatting";
import { PICKER_LIMIT } from "../shared/queries";
import { fileUpload } from "../shared/upload";

export type CapitalAccount = ResponseOf<"/api/v1/funds/{fund_id}/capital-accounts", "get">["items"][number];
export type Reconciliation = ResponseOf<"/api/v1/funds/{fund_id}/reconciliation", "get">;

/** A period of a capital account: from `start` (else inception) to `end`. */
export interface AccountPeriod {
  start?: string;
  end?: string;
}

/** Every partner's capital account of the fund over `period`, page after page. */
export function useCapitalAccounts(fundId: string, period: AccountPeriod) {
  return useCursorList(fundKeys.part(fundId, "capital-accounts", period), (cursor) =>
    unwrap(
      api.GET("/api/v1/funds/{fund_id}/capital-accounts", {
        params: {
          path: { fund_id: fundId },
          query: { ...period, limit: 200, ...(cursor ? { cursor } : {}) },
        },
      }),
    ),
  );
}

/** Partners' capital against the trial balance at `asOf` (today when null). */
export function useReconciliation(fundId: string, asOf: string | null) {
  return useQuery({
    queryKey: fundKeys.part(fundId, "reconciliation", asOf),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/funds/{fund_id}/reconciliation", {
          params: { path: { fund_id: fundId }, query: asOf ? { as_of: asOf } : {} },
        }),
      ),
  });
}

/** The fund's commitments in the order they were admitted, page after page. */
export function useFundCommitments(fundId: string) {
  return useCursorList(fundKeys.part(fundId, "commitments"), (cursor) =>
    unwrap(
      api.GET("/api/v1/funds/{fund_id}/commitments", {
        params: { path: { fund_id: fundId }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
}

/** The fund's book balanced at `asOf` (nothing is read while no date is chosen). */
export function useTrialBalance(fundId: string, bookId: string, asOf: string | null) {
  return useQuery({
    queryKey: fundKeys.part(fundId, "trial-balance", asOf),
    enabled: asOf !== null,
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/ledger/books/{book_id}/trial-balance", {
          params: { path: { book_id: bookId }, query: { as_of: asOf ?? "" } },
        }),
      ),
  });
}

/** The journal of the fund's book over `period`, latest entry first, page after page. */
export function useJournal(fundId: string, bookId: string, period: AccountPeriod) {
  return useCursorList(fundKeys.part(fundId, "entries", period), (cursor) =>
    unwrap(
      api.GET("/api/v1/ledger/books/{book_id}/entries", {
        params: {
          path: { book_id: bookId },
          query: { ...period, sort: "-entry_date", limit: 50, ...(cursor ? { cursor } : {}) },
        },
      }),
    ),
  );
}

export type PerformanceQuery = QueryOf<"/api/v1/funds/{fund_id}/performance", "get">;
export type Performance = ResponseOf<"/api/v1/funds/{fund_id}/performance", "get">;

/** The fund's IRR, multiples and (against a benchmark) PME. */
export function usePerformance(fundId: string, query: PerformanceQuery) {
  return useQuery({
    queryKey: fundKeys.part(fundId, "performance", query),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/funds/{fund_id}/performance", { params: { path: { fund_id: fundId }, query } }),
      ),
  });
}

/** Each partner's performance at `asOf` (today when null), page after page. */
export function useInvestorPerformance(fundId: string, asOf: string | null) {
  const query = asOf ? { as_of: asOf } : {};
  return useCursorList(fundKeys.part(fundId, "investor-performance", query), (cursor) =>
    unwrap(
      api.GET("/api/v1/funds/{fund_id}/performance/investors", {
        params: { path: { fund_id: fundId }, query: { ...query, limit: 200, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
}

/** Benchmarks as `{ value, label }` for a picker, each label saying the dates it covers. */
export function useBenchmarkOptions() {
  return useQuery({
    queryKey: benchmarkKeys.options,
    queryFn: () => unwrap(api.GET("/api/v1/benchmarks", { params: { query: { limit: PICKER_LIMIT } } })),
    select: (page) =>
      page.items.map((benchmark) => ({
        value: benchmark.id,
        label: benchmark.levels
          ? `${benchmark.name} (${formatDate(benchmark.first_date)} to ${formatDate(benchmark.last_date)})`
          : `${benchmark.name} (no levels yet)`,
      })),
  });
}

export type PortfolioCompany = ResponseOf<
  "/api/v1/funds/{fund_id}/portfolio-companies",
  "get"
>["items"][number];

export function useNav(fundId: string) {
  return useQuery({
    queryKey: fundKeys.part(fundId, "nav"),
    queryFn: () => unwrap(api.GET("/api/v1/funds/{fund_id}/nav", { params: { path: { fund_id: fundId } } })),
  });
}

/** The fund's portfolio companies with their cost, fair value and gains, page after page. */
export function usePortfolioCompanies(fundId: string) {
  return useCursorList(fundKeys.part(fundId, "companies"), (cursor) =>
    unwrap(
      api.GET("/api/v1/funds/{fund_id}/portfolio-companies", {
        params: { path: { fund_id: fundId }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
}

export function useFundDashboard(fundId: string) {
  return useQuery({
    queryKey: fundKeys.dashboard(fundId),
    queryFn: () =>
      unwrap(api.GET("/api/v1/funds/{fund_id}/dashboard", { params: { path: { fund_id: fundId } } })),
  });
}

export type StatementFilters = QueryOf<"/api/v1/funds/{fund_id}/statements", "get">;
export type Job = ResponseOf<"/api/v1/jobs/{job_id}", "get">;

/** The fund's statements and reports matching `filters`, page after page. */
export function useFundStatements(fundId: string, filters: StatementFilters) {
  return useCursorList(fundKeys.part(fundId, "statements", filters), (cursor) =>
    unwrap(
      api.GET("/api/v1/funds/{fund_id}/statements", {
        params: {
          path: { fund_id: fundId },
          query: { ...filters, limit: 100, ...(cursor ? { cursor } : {}) },
        },
      }),
    ),
  );
}

export function isFinished(job: Pick<Job, "status"> | undefined): boolean {
  return job?.status === "succeeded" || job?.status === "failed";
}

const JOB_POLL_MS = 1000;

/** A background job, read again every second until it ends. */
export function useJob(jobId: string) {
  return useQuery({
    queryKey: jobKeys.detail(jobId),
    queryFn: () => unwrap(api.GET("/api/v1/jobs/{job_id}", { params: { path: { job_id: jobId } } })),
    refetchInterval: (query) => (isFinished(query.state.data) ? false : JOB_POLL_MS),
  });
}

export type CommitmentCreate = BodyOf<"/api/v1/funds/{fund_id}/commitments", "post">;

/** Admit an investor's commitment to the fund's latest close; every part of every fund is read again. */
export function useAddCommitment(fundId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CommitmentCreate) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/commitments", { params: { path: { fund_id: fundId } }, body }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: fundKeys.all });
    },
  });
}

export type PortfolioCompanyCreate = BodyOf<"/api/v1/funds/{fund_id}/portfolio-companies", "post">;
export type InvestmentCreate = BodyOf<"/api/v1/portfolio-companies/{company_id}/investments", "post">;
export type ValuationCreate = BodyOf<"/api/v1/portfolio-companies/{company_id}/valuations", "post">;

/** Add a company to the fund's portfolio. */
export function useAddPortfolioCompany(fundId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PortfolioCompanyCreate) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/portfolio-companies", {
          params: { path: { fund_id: fundId } },
          body,
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: fundKeys.part(fundId, "companies") });
    },
  });
}

/** What is recorded against a portfolio company: an investment at cost, or a fair value. */
export type PortfolioEntry =
  | { kind: "investment"; companyId: string; body: InvestmentCreate; key: string }
  | { kind: "valuation"; companyId: string; body: ValuationCreate };

/**
 * Record an investment (with its Idempotency-Key, one per submission) or a valuation of a
 * portfolio company; the fund's figures are read again.
 */
export function useRecordPortfolioEntry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (entry: PortfolioEntry) => {
      const path = { company_id: entry.companyId };
      if (entry.kind === "investment") {
        await unwrap(
          api.POST("/api/v1/portfolio-companies/{company_id}/investments", {
            params: { path, header: { "Idempotency-Key": entry.key } },
            body: entry.body,
          }),
        );
      } else {
        await unwrap(
          api.POST("/api/v1/portfolio-companies/{company_id}/valuations", {
            params: { path },
            body: entry.body,
          }),
        );
      }
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: fundKeys.all });
    },
  });
}

export type StatementBatchCreate = BodyOf<"/api/v1/funds/{fund_id}/statements/batch", "post">;

/** Start the background job that makes the quarter's LP statements. */
export function useStartStatementBatch(fundId: string) {
  return useMutation({
    mutationFn: (body: StatementBatchCreate) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/statements/batch", { params: { path: { fund_id: fundId } }, body }),
      ),
  });
}

/** Read the fund's statements again (once a batch has made new ones). */
export function useRefreshStatements(fundId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: fundKeys.part(fundId, "statements") });
}

export type ImportKind = "investors" | "commitments" | "cash_flows";
export type ImportResult = ResponseOf<"/api/v1/funds/{fund_id}/imports/{kind}", "post">;

/**
 * Import a spreadsheet of investors, commitments or cash flows, as a dry run (nothing saved)
 * or for real; one Idempotency-Key per submission. A real import refreshes the funds and
 * the investors.
 */
export function useRunImport(fundId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      kind,
      upload,
      isDryRun,
      key,
    }: {
      kind: ImportKind;
      upload: File;
      isDryRun: boolean;
      key: string;
    }) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/imports/{kind}", {
          params: {
            path: { fund_id: fundId, kind },
            query: { dry_run: isDryRun },
            header: { "Idempotency-Key": key },
          },
          ...fileUpload(upload),
        }),
      ),
    onSuccess: (result) => {
      if (!result.dry_run) {
        void Promise.all([
          queryClient.invalidateQueries({ queryKey: fundKeys.all }),
          queryClient.invalidateQueries({ queryKey: investorKeys.all }),
        ]);
      }
    },
  });
}
