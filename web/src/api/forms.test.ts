import { describe, expect, it } from "vitest";

import { applyProblemToForm } from "./forms";
import { ApiError } from "./problem";

function fakeForm(values: object) {
  const errors: Record<string, string> = {};
  return {
    errors,
    getValues: () => values,
    setFieldError: (path: string, error: string) => {
      errors[path] = error;
    },
  };
}

describe("applyProblemToForm", () => {
  it("puts field errors on their fields and keeps the detail for fields the form lacks", () => {
    const form = fakeForm({ email: "", full_name: "" });
    const error = new ApiError({
      type: "t",
      title: "Invalid input",
      status: 422,
      detail: "Invalid fields: email, role",
      errors: [
        { field: "email", message: "not an email" },
        { field: "role", message: "unknown role" },
      ],
    });

    expect(applyProblemToForm(form, error)).toBe("Invalid fields: email, role");
    expect(form.errors).toEqual({ email: "not an email" });
  });

  it("shows no banner when every validation message found its field", () => {
    const form = fakeForm({ new_password: "" });
    const error = new ApiError({
      type: "t",
      title: "Invalid input",
      status: 422,
      detail: "The password must be at least 12 characters long.",
      errors: [{ field: "new_password", message: "The password must be at least 12 characters long." }],
    });

    expect(applyProblemToForm(form, error)).toBeNull();
    expect(form.errors.new_password).toMatch(/12 characters/);
  });

  it("returns the detail of errors that name no field", () => {
    const form = fakeForm({ email: "" });
    const error = new ApiError({
      type: "t",
      title: "Conflict",
      status: 409,
      detail: "Already a member.",
      errors: [],
    });

    expect(applyProblemToForm(form, error)).toBe("Already a member.");
  });
});
