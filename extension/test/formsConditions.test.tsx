/** The condition editor writes ConditionExpressions in DataBrew's shape. */
import { fireEvent, within } from "@testing-library/react";
import { decodeConditions, encodeConditions } from "../src/forms/conditions";
import type { ConditionJson } from "../src/protocol";
import { catalogue, renderForm, type } from "./formsFixture";

type Form = ReturnType<typeof renderForm>;

function addCondition(form: Form): HTMLElement {
  fireEvent.click(form.getByTestId("wb-condition-add"));
  const rows = form.getAllByTestId("wb-condition");
  return rows[rows.length - 1];
}

test("conditions from the catalogue, on the step's column by default, ANDed into the step", () => {
  const form = renderForm("REMOVE_VALUES");
  type(form.input("sourceColumn"), "price");
  expect(form.queryAllByTestId("wb-condition")).toEqual([]); // every row until a condition is added

  const first = addCondition(form);
  const options = Array.from((within(first).getByTestId("wb-condition-name") as HTMLSelectElement).options).map((o) => o.value);
  expect(options).toEqual(catalogue.conditions.map((c) => c.name));
  expect((within(first).getByTestId("wb-condition-column") as HTMLSelectElement).value).toBe("price");
  type(within(first).getByTestId("wb-condition-name"), "IS_BETWEEN");
  type(within(first).getByTestId("wb-condition-low"), "10");
  type(within(first).getByTestId("wb-condition-high"), "20.5");

  const second = addCondition(form);
  type(within(second).getByTestId("wb-condition-column"), "city");
  type(within(second).getByTestId("wb-condition-name"), "IS");
  const values = within(second).getByTestId("wb-condition-value");
  type(within(values).getAllByTestId("wb-list-input")[0], "Paris");
  fireEvent.click(within(values).getByTestId("wb-list-add"));
  type(within(values).getAllByTestId("wb-list-input")[1], "Rome");

  const third = addCondition(form);
  type(within(third).getByTestId("wb-condition-column"), "name");
  type(within(third).getByTestId("wb-condition-name"), "IS_MISSING");
  expect(within(third).queryByTestId("wb-condition-value")).toBeNull();

  const fourth = addCondition(form);
  type(within(fourth).getByTestId("wb-condition-name"), "IS_INVALID");
  type(within(fourth).getByTestId("wb-condition-value"), "double");

  const fifth = addCondition(form);
  type(within(fifth).getByTestId("wb-condition-column"), "city");
  type(within(fifth).getByTestId("wb-condition-name"), "NOT_STARTS_WITH");
  type(within(fifth).getByTestId("wb-condition-value"), "S");

  expect(form.apply()).toEqual({
    Action: { Operation: "REMOVE_VALUES", Parameters: { sourceColumn: "price" } },
    ConditionExpressions: [
      { Condition: "IS_BETWEEN", Value: "[10,20.5]", TargetColumn: "price" },
      { Condition: "IS", Value: '["Paris","Rome"]', TargetColumn: "city" },
      { Condition: "IS_MISSING", TargetColumn: "name" },
      { Condition: "IS_INVALID", Value: "double", TargetColumn: "price" },
      { Condition: "NOT_STARTS_WITH", Value: "S", TargetColumn: "city" },
    ],
  });

  fireEvent.click(within(form.getAllByTestId("wb-condition")[0]).getByTestId("wb-condition-remove"));
  expect(form.apply().ConditionExpressions?.map((c) => c.Condition)).toEqual(["IS", "IS_MISSING", "IS_INVALID", "NOT_STARTS_WITH"]);
});

test("an edited step's conditions load, whatever form their Value takes", () => {
  const conditions: ConditionJson[] = [
    { Condition: "IS", Value: '["draw"]', TargetColumn: "result" },
    { Condition: "GREATER_THAN", Value: "1800", TargetColumn: "year" },
    { Condition: "IS_BETWEEN", Value: '{"GREATER_THAN_EQUAL":"1","LESS_THAN_EQUAL":"9"}', TargetColumn: "n" },
    { Condition: "IS_MISSING", TargetColumn: "email" },
  ];
  const rows = decodeConditions(conditions, catalogue);
  expect(rows.map((r) => [r.condition, r.column, r.text, r.list, r.low, r.high])).toEqual([
    ["IS", "result", "", ["draw"], "", ""],
    ["GREATER_THAN", "year", "1800", [], "", ""],
    ["IS_BETWEEN", "n", "", [], "1", "9"],
    ["IS_MISSING", "email", "", [], "", ""],
  ]);
  expect(encodeConditions(rows, catalogue)).toEqual([
    conditions[0],
    conditions[1],
    { Condition: "IS_BETWEEN", Value: "[1,9]", TargetColumn: "n" },
    conditions[3],
  ]);

  const form = renderForm("REMOVE_VALUES", {
    initial: {
      Action: { Operation: "REMOVE_VALUES", Parameters: { sourceColumn: "city" } },
      ConditionExpressions: [{ Condition: "CONTAINS", Value: "x", TargetColumn: "city" }],
    },
  });
  expect((form.getByTestId("wb-condition-value") as HTMLInputElement).value).toBe("x");
  expect(form.apply().ConditionExpressions).toEqual([{ Condition: "CONTAINS", Value: "x", TargetColumn: "city" }]);
});

test("a transform that takes no conditions has no condition editor", () => {
  const form = renderForm("SORT");
  expect(form.queryByTestId("wb-conditions")).toBeNull();
});
