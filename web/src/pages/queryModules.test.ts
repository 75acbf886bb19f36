/**
 * Every fetch and every write of a page goes through its feature's `queries.ts` (`useX` hooks
 * with keys from `api/queryKeys.ts`), so a component never talks to the API or the cache itself.
 */
import { describe, expect, it } from "vitest";

const sources = import.meta.glob<string>(["./**/*.ts", "./**/*.tsx", "!./**/*.test.ts", "!./**/*.test.tsx"], {
  query: "?raw",
  import: "default",
  eager: true,
});

const REACT_QUERY_IMPORT = /import\s+(type\s+)?\{([^}]*)\}\s+from\s+"@tanstack\/react-query"/g;
const API_CLIENT_IMPORT = /from\s+"(?:\.\.\/)+api\/(?:client|pagination)"/;
const BARE_FETCH = /(?<![.\w])fetch\(/;

/** What in `source` reads or writes the API, or its cache, without a query module. */
function directApiUse(source: string): string[] {
  const found: string[] = [];
  for (const [, typeOnly, names = ""] of source.matchAll(REACT_QUERY_IMPORT)) {
    if (typeOnly) continue;
    const values = names
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name && !name.startsWith("type "));
    found.push(...values.map((name) => `${name} from @tanstack/react-query`));
  }
  if (API_CLIENT_IMPORT.test(source)) found.push("the API client");
  if (BARE_FETCH.test(source)) found.push("fetch()");
  return found;
}

describe("query modules", () => {
  it("finds a component that calls the API or the cache itself", () => {
    const inline = [
      'import { useMutation, type QueryKey } from "@tanstack/react-query";',
      'import { api, unwrap } from "../../api/client";',
      "const answer = fetch('/api/v1/funds');",
    ].join("\n");
    expect(directApiUse(inline)).toEqual([
      "useMutation from @tanstack/react-query",
      "the API client",
      "fetch()",
    ]);
    expect(directApiUse('import type { UseQueryResult } from "@tanstack/react-query";')).toEqual([]);
    expect(directApiUse("void query.refetch();")).toEqual([]);
  });

  it("leaves every fetch and write of the pages to their queries.ts", () => {
    const files = Object.keys(sources);
    expect(files.length).toBeGreaterThan(50);
    const offenders = files
      .filter((path) => !path.endsWith("/queries.ts"))
      .flatMap((path) => directApiUse(sources[path] ?? "").map((use) => `${path}: ${use}`));
    expect(offenders).toEqual([]);
  });
});
