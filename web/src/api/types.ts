/**
 * Shapes of the API's requests and answers, read off the generated `paths` by URL and method,
 * so a page names the endpoint it talks to rather than a schema's class name.
 */
import type { paths } from "./schema";

type JsonContent<R> = R extends { content: { "application/json": infer T } } ? T : never;

type SuccessOf<R> = 200 extends keyof R
  ? JsonContent<R[200]>
  : 201 extends keyof R
    ? JsonContent<R[201]>
    : never;

export type ApiPath = keyof paths;

/** The JSON answered on success (200, else 201) by `method` on `path`. */
export type ResponseOf<P extends ApiPath, M extends keyof paths[P]> = paths[P][M] extends {
  responses: infer R;
}
  ? SuccessOf<R>
  : never;

/** The JSON body that `method` on `path` accepts. */
export type BodyOf<P extends ApiPath, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;

/** The query parameters that `method` on `path` accepts. */
export type QueryOf<P extends ApiPath, M extends keyof paths[P]> = paths[P][M] extends {
  parameters: { query?: infer Q };
}
  ? NonNullable<Q>
  : never;
