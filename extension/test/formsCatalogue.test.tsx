/** Every transform of the fixture catalogue gets a form, with one field per parameter. */
import { cleanup, within } from "@testing-library/react";
import type { ParamKind } from "../src/protocol";
import { fieldsOf } from "../src/forms/generate";
import { catalogue, renderForm } from "./formsFixture";

const ALL_KINDS: ParamKind[] = [
  "column",
  "columns",
  "new_column",
  "text",
  "regex",
  "integer",
  "number",
  "boolean",
  "enum",
  "date_format",
  "dataset",
  "text_list",
  "number_list",
  "key_value_map",
  "sort_keys",
  "aggregations",
  "join_keys",
  "pattern_options",
  "pattern_option",
  "column_lists",
  "datasets",
  "dataset_columns",
  "object",
  "clusters",
];

test("the fixture uses every parameter kind", () => {
  const used = new Set(catalogue.transforms.flatMap((entry) => fieldsOf(entry).map((field) => field.kind)));
  expect([...used].sort()).toEqual([...ALL_KINDS].sort());
});

describe.each(catalogue.transforms.map((entry) => [entry.operation]))("%s", (operation) => {
  test("renders a field and an input for every parameter and applies an untouched step", () => {
    const form = renderForm(operation, { datasets: ["other"] });
    const entry = catalogue.transforms.find((t) => t.operation === operation)!;
    for (const name of Object.keys(entry.parameters.properties ?? {})) {
      expect(within(form.field(name)).getAllByTestId("wb-input").length).toBeGreaterThan(0);
    }
    expect(form.apply().Action.Operation).toBe(operation);
    cleanup();
  });
});
