/** The kernel's validation errors appear on the field they name, or at the top of the form. */
import { within } from "@testing-library/react";
import type { StepError } from "../src/protocol";
import { renderForm } from "./formsFixture";

function error(parameter: string | null, message: string, suggestion: string | null = null): StepError {
  return { message, parameter, column: null, suggestion };
}

function fieldErrors(form: ReturnType<typeof renderForm>, param: string): string[] {
  return within(form.field(param))
    .queryAllByTestId("wb-field-error")
    .map((e) => e.textContent ?? "");
}

test("an error naming a parameter is shown on that field only", () => {
  const form = renderForm("EXTRACT_PATTERN", { errors: [error("sourceColumn", "no column 'cty'", "city")] });
  expect(fieldErrors(form, "sourceColumn")).toEqual(["no column 'cty' (did you mean “city”?)"]);
  expect(fieldErrors(form, "targetColumn")).toEqual([]);
  expect(fieldErrors(form, "pattern")).toEqual([]);
  expect(form.queryAllByTestId("wb-form-error")).toEqual([]);
  expect(form.field("sourceColumn").className).toContain("wb-field-has-error");
});

test("errors inside a structured value go to its field", () => {
  const form = renderForm("SORT", { errors: [error("expressions[0].sourceColumn", "no column 'x'")] });
  expect(fieldErrors(form, "expressions")).toEqual(["no column 'x'"]);
});

test("step-level errors (no parameter, or one the form does not have) are shown at the top", () => {
  const form = renderForm("UPPER_CASE", {
    errors: [
      error(null, "the step fails on this data"),
      error("", "another step-wide problem"),
      error("mystery", "unknown parameter 'mystery'"),
    ],
  });
  expect(form.getAllByTestId("wb-form-error").map((e) => e.textContent)).toEqual([
    "the step fails on this data",
    "another step-wide problem",
    "unknown parameter 'mystery'",
  ]);
  expect(fieldErrors(form, "sourceColumn")).toEqual([]);
});

test("condition errors are shown in the condition editor", () => {
  const form = renderForm("REMOVE_VALUES", { errors: [error("ConditionExpressions", "unknown condition 'IS_NUL'", "IS_NOT")] });
  const conditions = form.getByTestId("wb-conditions");
  expect(within(conditions).getByTestId("wb-field-error").textContent).toContain("IS_NOT");
});
