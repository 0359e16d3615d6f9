/**
 * Expression parameters (BOOLEAN_OPERATION, CASE_OPERATION): the kernel checks the text live, as it
 * checks regexes, and withExpressions rows hold a name and an aggregate.
 */
import { fireEvent, waitFor, within } from "@testing-library/react";
import { expect, test } from "vitest";
import type { CatalogueEntry, ParamSchema } from "../src/protocol";
import { catalogue, fakeRpc, renderForm, type } from "./formsFixture";

const text = (role: string): ParamSchema => ({ type: "string", "x-wb-kind": "text", "x-wb-expression": role }) as ParamSchema;

/** BOOLEAN_OPERATION's parameter schema as the kernel sends it (the fixture catalogue predates it). */
const BOOLEAN_OPERATION: CatalogueEntry = {
  ...catalogue.transforms[0],
  operation: "BOOLEAN_OPERATION",
  summary: "Write one value where a condition holds and another where it does not (if / else).",
  parameters: {
    type: "object",
    $defs: {
      WithExpression: {
        type: "object",
        properties: { name: { type: "string" }, value: { type: "string" }, type: { type: "string", default: "aggregate" } },
        required: ["name", "value"],
      },
    },
    properties: {
      valueExpression: text("condition"),
      trueValueExpression: text("value"),
      falseValueExpression: text("value"),
      withExpressions: {
        anyOf: [{ type: "array", items: { $ref: "#/$defs/WithExpression" }, "x-wb-kind": "aggregations" }, { type: "null" }],
        default: null,
      },
      targetColumn: { type: "string", "x-wb-kind": "new_column" },
    },
    required: ["valueExpression", "trueValueExpression", "falseValueExpression", "targetColumn"],
  } as ParamSchema,
};

test("a malformed expression shows the kernel's problem with its line and column, live", async () => {
  const rpc = fakeRpc({
    check_expression: ({ expression }) =>
      expression.endsWith(">")
        ? { problem: "line 1, column 10: expected a value, found the end of the expression", line: 1, column: 10 }
        : { problem: null, line: null, column: null },
  });
  const form = renderForm("BOOLEAN_OPERATION", { entry: BOOLEAN_OPERATION, rpc });
  type(form.input("valueExpression"), "`price` >");
  const problem = await within(form.field("valueExpression")).findByTestId("wb-expression-problem");
  expect(problem.textContent).toContain("line 1, column 10");
  type(form.input("valueExpression"), "`price` > :mean");
  await waitFor(() => expect(within(form.field("valueExpression")).queryByTestId("wb-expression-problem")).toBeNull());
  const asked = rpc.calls.filter((c) => c.method === "check_expression").map((c) => c.params);
  expect(asked).toContainEqual({ expression: "`price` > :mean", role: "condition", columns: ["city", "price", "qty", "day", "name"] });
});

test("the value parameters are checked as values and withExpressions rows hold a name and an aggregate", async () => {
  const rpc = fakeRpc({ check_expression: () => ({ problem: null, line: null, column: null }) });
  const form = renderForm("BOOLEAN_OPERATION", { entry: BOOLEAN_OPERATION, rpc });
  type(form.input("valueExpression"), "`price` > :mean");
  type(form.input("trueValueExpression"), "above");
  type(form.input("falseValueExpression"), "'below'");
  type(form.input("targetColumn"), "vs_mean");
  const field = form.field("withExpressions");
  fireEvent.click(within(field).getByTestId("wb-row-add"));
  const row = within(field).getAllByTestId("wb-row")[0];
  type(row.querySelector('[data-key="name"]') as HTMLElement, "mean");
  type(row.querySelector('[data-key="value"]') as HTMLElement, "avg(`price`)");
  await waitFor(() =>
    expect(rpc.calls.map((c) => c.params)).toContainEqual(expect.objectContaining({ expression: "avg(`price`)", role: "aggregate" })),
  );
  expect(rpc.calls.map((c) => c.params)).toContainEqual(expect.objectContaining({ expression: "above", role: "value" }));
  expect(form.parameters()).toEqual({
    valueExpression: "`price` > :mean",
    trueValueExpression: "above",
    falseValueExpression: "'below'",
    withExpressions: [{ name: "mean", value: "avg(`price`)", type: "aggregate" }],
    targetColumn: "vs_mean",
  });
});
