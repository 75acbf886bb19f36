/**
 * Addresses of the API's files (CSV exports, notices, statements) for plain links: the
 * browser sends the session cookie with a same-origin GET, so a download needs no script.
 */

type QueryValue = string | number | boolean | null | undefined;

/** `/api/v1/...` with the path's `{name}` parts filled in and the query appended. */
export function apiUrl(
  path: string,
  pathParams: Record<string, string> = {},
  query: Record<string, QueryValue> = {},
): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(pathParams[name] ?? ""));
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `${filled}?${text}` : filled;
}

/** A list's CSV export: the same filters as the page, with `format=csv`. */
export function csvUrl(
  path: string,
  pathParams: Record<string, string> = {},
  query: Record<string, QueryValue> = {},
): string {
  const { limit: _limit, cursor: _cursor, ...filters } = query;
  return apiUrl(path, pathParams, { ...filters, format: "csv" });
}

/** A link the API gives relative to its prefix (`/capital-calls/.../x.pdf`) made absolute. */
export function apiLink(url: string): string {
  return url.startsWith("/api/") || /^https?:/.test(url)
    ? url
    : `/api/v1${url.startsWith("/") ? "" : "/"}${url}`;
}
