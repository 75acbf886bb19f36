/**
 * RFC 9457 problem details, as every error of the Fundhouse API is answered, and the one
 * error type the browser app throws for a failed API call.
 */

export interface FieldProblem {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string | null;
  instance?: string | null;
  request_id?: string | null;
  errors: FieldProblem[];
}

/** Status 0 stands for "no answer": the server could not be reached at all. */
export const NETWORK_ERROR_STATUS = 0;

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = "ApiError";
    this.status = problem.status;
    this.problem = problem;
  }

  /** The sentence to show a person: the problem's detail, else its title. */
  get userMessage(): string {
    return this.problem.detail || this.problem.title;
  }

  /** The first message of each field, keyed by the field's name as the API gives it. */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const error of this.problem.errors) {
      if (error.field && !(error.field in out)) {
        out[error.field] = error.message;
      }
    }
    return out;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseFieldProblems(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) {
    return [];
  }
  const out: FieldProblem[] = [];
  for (const item of value) {
    if (isRecord(item) && typeof item.message === "string") {
      out.push({ field: typeof item.field === "string" ? item.field : "", message: item.message });
    }
  }
  return out;
}

/**
 * Read a problem from an error answer's body, whatever it holds: a problem+json object, a
 * plain string (a proxy's error page), or nothing.
 */
export function parseProblem(status: number, body: unknown, statusText = ""): Problem {
  if (isRecord(body) && (typeof body.title === "string" || typeof body.detail === "string")) {
    return {
      type: typeof body.type === "string" ? body.type : "about:blank",
      title: typeof body.title === "string" ? body.title : statusText || `HTTP ${status}`,
      status: typeof body.status === "number" ? body.status : status,
      detail: typeof body.detail === "string" ? body.detail : null,
      instance: typeof body.instance === "string" ? body.instance : null,
      request_id: typeof body.request_id === "string" ? body.request_id : null,
      errors: parseFieldProblems(body.errors),
    };
  }
  const text = typeof body === "string" ? body.trim() : "";
  return {
    type: "about:blank",
    title: statusText || defaultTitle(status),
    status,
    detail: text && text.length <= 300 && !text.startsWith("<") ? text : null,
    errors: [],
  };
}

function defaultTitle(status: number): string {
  if (status === NETWORK_ERROR_STATUS) return "The server could not be reached";
  if (status >= 500) return "The server could not complete the request";
  if (status === 401) return "Authentication required";
  if (status === 403) return "Forbidden";
  if (status === 404) return "Not found";
  if (status === 429) return "Too many requests";
  return `Request failed (HTTP ${status})`;
}

export function networkError(cause: unknown): ApiError {
  const error = new ApiError({
    type: "about:blank",
    title: defaultTitle(NETWORK_ERROR_STATUS),
    status: NETWORK_ERROR_STATUS,
    detail: "The server could not be reached. Check your connection and try again.",
    errors: [],
  });
  error.cause = cause;
  return error;
}

/** A message for any thrown value, for error alerts that may see more than API errors. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.userMessage;
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong.";
}
