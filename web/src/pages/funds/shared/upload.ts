/**
 * A file upload through the typed client. openapi-typescript types a multipart file field as
 * a string; the request sends the real `File` in a `FormData` built by the serializer.
 */
export function fileUpload(file: File) {
  return {
    body: { file: file.name },
    bodySerializer: () => {
      const form = new FormData();
      form.append("file", file);
      return form;
    },
  };
}

/** A fresh Idempotency-Key: one per form submission, so a retried request is not repeated. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
