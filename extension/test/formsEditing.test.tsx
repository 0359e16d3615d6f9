/** Editing an existing step: DataBrew's string-encoded values load into the controls. */
import { fireEvent, within } from "@testing-library/react";
import type { StepJson } from "../src/protocol";
import { renderForm, type } from "./formsFixture";

const DATABREW_GROUP_BY: StepJson = {
  Action: {
    Operation: "GROUP_BY",
    Parameters: {
      sourceColumns: '["city","name"]',
      groupByAggFunctionOptions:
        '[{"sourceColumnName":"price","targetColumnName":"total","targetColumnDataType":"double","functionName":"sum"}]',
      useNewDataFrame: "true",
    },
  },
  id: "step-7",
  note: "totals per city",
};

test("a DataBrew GROUP_BY step fills the form and comes back typed, keeping id and note", () => {
  const form = renderForm("GROUP_BY", { initial: DATABREW_GROUP_BY });
  const chips = within(form.field("sourceColumns")).getAllByTestId("wb-list-item");
  expect(chips.map((chip) => chip.dataset.value)).toEqual(["city", "name"]);
  expect(form.input("useNewDataFrame")).toHaveProperty("checked", true);
  const row = within(form.field("groupByAggFunctionOptions")).getAllByTestId("wb-row")[0];
  const cell = (key: string) => row.querySelector(`[data-key="${key}"]`) as HTMLInputElement;
  expect(cell("sourceColumnName").value).toBe("price");
  expect(cell("functionName").value).toBe("SUM");
  expect(cell("targetColumnName").value).toBe("total");
  expect(cell("targetColumnDataType").value).toBe("double");
  expect(form.getByTestId("wb-apply-button").textContent).toBe("Update step");
  expect(form.apply()).toEqual({
    Action: {
      Operation: "GROUP_BY",
      Parameters: {
        sourceColumns: ["city", "name"],
        groupByAggFunctionOptions: [
          { sourceColumnName: "price", targetColumnName: "total", targetColumnDataType: "double", functionName: "SUM" },
        ],
        useNewDataFrame: true,
      },
    },
    id: "step-7",
    note: "totals per city",
  });
});

test("numbers, booleans, maps and nested JSON strings load into their controls", () => {
  const move = renderForm("MOVE_TO_INDEX", {
    initial: { Action: { Operation: "MOVE_TO_INDEX", Parameters: { sourceColumn: "qty", targetIndex: "3" } } },
  });
  expect(move.input("targetIndex")).toHaveProperty("value", "3");
  expect(move.parameters()).toEqual({ sourceColumn: "qty", targetIndex: 3 });
  move.unmount();

  const mapping = renderForm("CATEGORICAL_MAPPING", {
    initial: {
      Action: {
        Operation: "CATEGORICAL_MAPPING",
        Parameters: { sourceColumn: "city", targetColumn: "c", categoryMap: '{"Paris":"FR","Rome":"IT"}', keepOthers: "TRUE" },
      },
    },
  });
  const rows = within(mapping.field("categoryMap")).getAllByTestId("wb-row");
  expect(rows.map((r) => (r.querySelector('[data-key="key"]') as HTMLInputElement).value)).toEqual(["Paris", "Rome"]);
  expect(mapping.input("keepOthers")).toHaveProperty("checked", true);
  expect(mapping.parameters()).toEqual({
    sourceColumn: "city",
    targetColumn: "c",
    categoryMap: { Paris: "FR", Rome: "IT" },
    keepOthers: true,
  });
  mapping.unmount();

  const split = renderForm("SPLIT_COLUMN_MULTIPLE_DELIMITER", {
    initial: {
      Action: {
        Operation: "SPLIT_COLUMN_MULTIPLE_DELIMITER",
        Parameters: { sourceColumn: "city", limit: "1", patternOptions: '[{"pattern":";","includeInSplit":"false"}]' },
      },
    },
  });
  const pattern = within(split.field("patternOptions")).getAllByTestId("wb-row")[0];
  expect((pattern.querySelector('[data-key="pattern"]') as HTMLInputElement).value).toBe(";");
  expect((pattern.querySelector('[data-key="includeInSplit"]') as HTMLInputElement).checked).toBe(false);
});

test("a column the data no longer has stays selected and visible", () => {
  const form = renderForm("UPPER_CASE", { initial: { Action: { Operation: "UPPER_CASE", Parameters: { sourceColumn: "town" } } } });
  const select = form.input("sourceColumn") as HTMLSelectElement;
  expect(select.value).toBe("town");
  expect(select.selectedOptions[0].textContent).toContain("not in the data");
});

test("every edit reports the whole step; Preview, Apply and Cancel hand it over", () => {
  const form = renderForm("ADD_SUFFIX");
  type(form.input("sourceColumn"), "city");
  type(form.input("pattern"), "_x");
  const onChange = form.props.onChange as ReturnType<typeof vi.fn>;
  expect(onChange).toHaveBeenCalledTimes(2);
  const expected = { Action: { Operation: "ADD_SUFFIX", Parameters: { sourceColumn: "city", pattern: "_x" } } };
  expect(onChange).toHaveBeenLastCalledWith(expected);
  fireEvent.click(form.getByTestId("wb-preview-button"));
  expect(form.props.onPreview).toHaveBeenCalledWith(expected);
  expect(form.getByTestId("wb-apply-button").textContent).toBe("Apply");
  expect(form.apply()).toEqual(expected);
  fireEvent.click(form.getByTestId("wb-cancel-button"));
  expect(form.props.onCancel).toHaveBeenCalledTimes(1);
  fireEvent.keyDown(form.input("pattern"), { key: "Escape" });
  expect(form.props.onCancel).toHaveBeenCalledTimes(2);
  fireEvent.keyDown(form.input("pattern"), { key: "Enter", ctrlKey: true });
  expect(form.props.onApply).toHaveBeenCalledTimes(2);
});

test("the form root names its operation and shows the preview summary", () => {
  const preview = {
    mode: "cells" as const,
    summary: "12 values changed",
    rowsBefore: 5,
    rowsAfter: 5,
    addedColumns: [],
    removedColumns: [],
    changedColumns: ["city"],
    columns: [],
    rows: 5,
  };
  const form = renderForm("UPPER_CASE", { preview });
  expect(form.getByTestId("wb-form").dataset.operation).toBe("UPPER_CASE");
  expect(form.getByTestId("wb-preview-summary").textContent).toBe("12 values changed");
});
