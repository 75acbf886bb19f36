import { ApiError, errorMessage } from "./problem";

/** The part of a Mantine form that field errors are written to. */
export interface FieldErrorTarget {
  setFieldError(path: string, error: string): void;
  getValues(): object;
}

/**
 * Put an error's field messages on the form fields they name and return the sentence to
 * show above the form: the problem's detail, or nothing when every message found its field
 * and the detail only lists them.
 */
export function applyProblemToForm(form: FieldErrorTarget, error: unknown): string | null {
  if (!(error instanceof ApiError)) {
    return errorMessage(error);
  }
  const values = form.getValues();
  let unplaced = false;
  for (const { field, message } of error.problem.errors) {
    if (field && field in values) {
      form.setFieldError(field, message);
    } else {
      unplaced = true;
    }
  }
  if (error.problem.errors.length > 0 && !unplaced && error.status === 422) {
    return null;
  }
  return error.userMessage;
}
