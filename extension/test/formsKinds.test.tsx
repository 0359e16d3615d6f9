/**
 * One control per parameter kind: for each kind, a real catalogue entry that uses it is rendered,
 * filled in as a user would, and the Parameters of the applied step are checked.
 */
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { ParamKind } from "../src/protocol";
import { acceptFirstCluster } from "./clusterReviewFixture";
import { catalogue, check, fakeRpc, renderForm, type } from "./formsFixture";

type Form = ReturnType<typeof renderForm>;

function rows(form: Form, param: string): HTMLElement[] {
  return within(form.field(param)).getAllByTestId("wb-row");
}

function cell(row: HTMLElement, key: string): HTMLElement {
  return row.querySelector(`[data-testid="wb-row-input"][data-key="${key}"]`) as HTMLElement;
}

function listInputs(scope: HTMLElement): HTMLElement[] {
  return within(scope).getAllByTestId("wb-list-input");
}

/** Type items into a typed list, adding inputs as needed. */
function fillList(scope: HTMLElement, items: string[]) {
  items.forEach((item, index) => {
    if (index >= listInputs(scope).length) fireEvent.click(within(scope).getByTestId("wb-list-add"));
    type(listInputs(scope)[index], item);
  });
}

function pick(form: Form, param: string, ...names: string[]) {
  for (const name of names) type(within(form.field(param)).getByTestId("wb-list-picker"), name);
}

function optionTexts(select: HTMLElement): string[] {
  return Array.from((select as HTMLSelectElement).options).map((o) => o.textContent ?? "");
}

const JOIN_RPC = () =>
  fakeRpc({
    dataset_columns: ({ dataset }) => ({
      columns:
        dataset === "customers"
          ? [
              { name: "city_name", type: "string" },
              { name: "email", type: "string" },
            ]
          : [],
    }),
  });

// The record's type makes a kind without a test a type error.
const KIND_TESTS: Record<ParamKind, () => void | Promise<void>> = {
  clusters: acceptFirstCluster,

  column() {
    const form = renderForm("UPPER_CASE");
    const texts = optionTexts(form.input("sourceColumn"));
    expect(texts).toContain("city · string");
    expect(texts.some((t) => t.startsWith("price"))).toBe(false); // x-wb-types: string only
    type(form.input("sourceColumn"), "city");
    expect(form.parameters()).toEqual({ sourceColumn: "city" });
  },

  columns() {
    const form = renderForm("MERGE");
    pick(form, "sourceColumns", "city", "name");
    fireEvent.click(within(form.field("sourceColumns")).getAllByTestId("wb-list-up")[1]);
    type(form.input("targetColumn"), "full");
    expect(form.parameters()).toEqual({ sourceColumns: ["name", "city"], delimiter: " ", targetColumn: "full" });
  },

  new_column() {
    const form = renderForm("DUPLICATE");
    type(form.input("sourceColumn"), "city");
    fireEvent.click(within(form.field("targetColumn")).getByTestId("wb-suggestion"));
    expect(form.input("targetColumn")).toHaveProperty("value", "city_duplicate");
    expect(form.parameters()).toEqual({ sourceColumn: "city", targetColumn: "city_duplicate" });
  },

  text() {
    const form = renderForm("ADD_PREFIX");
    type(form.input("sourceColumn"), "city");
    type(form.input("pattern"), "pre_");
    expect(form.parameters()).toEqual({ sourceColumn: "city", pattern: "pre_" });
  },

  async regex() {
    const rpc = fakeRpc({
      check_regex: ({ pattern }) => ({ problem: pattern.includes("(?<=") ? "lookbehind is not in the supported subset" : null }),
    });
    const form = renderForm("EXTRACT_PATTERN", { rpc });
    type(form.input("sourceColumn"), "city");
    type(form.input("targetColumn"), "digits");
    type(form.input("pattern"), "(?<=a)b");
    const problem = await within(form.field("pattern")).findByTestId("wb-regex-problem");
    expect(problem.textContent).toContain("lookbehind");
    type(form.input("pattern"), "[0-9]+");
    await waitFor(() => expect(within(form.field("pattern")).queryByTestId("wb-regex-problem")).toBeNull());
    expect(rpc.calls.filter((c) => c.method === "check_regex").map((c) => c.params)).toContainEqual({ pattern: "[0-9]+" });
    expect(form.parameters()).toEqual({ sourceColumn: "city", targetColumn: "digits", pattern: "[0-9]+" });
  },

  integer() {
    const form = renderForm("MOVE_TO_INDEX");
    type(form.input("sourceColumn"), "qty");
    type(form.input("targetIndex"), "2");
    expect(form.parameters()).toEqual({ sourceColumn: "qty", targetIndex: 2 });
  },

  number() {
    const form = renderForm("FLAG_OUTLIERS");
    expect(form.input("threshold")).toHaveProperty("value", "3"); // the schema's default
    type(form.input("sourceColumn"), "price");
    type(form.input("targetColumn"), "odd");
    type(form.input("outlierStrategy"), "Z_SCORE");
    type(form.input("threshold"), "2.5");
    expect(form.parameters()).toEqual({ sourceColumn: "price", targetColumn: "odd", outlierStrategy: "Z_SCORE", threshold: 2.5 });
  },

  boolean() {
    const form = renderForm("REMOVE_COMBINED");
    type(form.input("sourceColumn"), "city");
    check(form.input("removeAllPunctuation"), true);
    check(form.input("removeNumbers"), true);
    check(form.input("removeNumbers"), false);
    // Flags left at their default are not written.
    expect(form.parameters()).toEqual({ sourceColumn: "city", removeAllPunctuation: true });
  },

  enum() {
    const form = renderForm("CHANGE_DATA_TYPE");
    const values = Array.from((form.input("columnDataType") as HTMLSelectElement).options).map((o) => o.value);
    expect(values).toEqual(["", ...(catalogue.transforms[0].parameters.$defs?.DataType.enum as string[])]);
    type(form.input("sourceColumn"), "qty");
    type(form.input("columnDataType"), "integer");
    expect(form.parameters()).toEqual({ sourceColumn: "qty", columnDataType: "integer" });
  },

  date_format() {
    const form = renderForm("FORMAT_DATE");
    type(form.input("sourceColumn"), "day");
    type(within(form.field("targetDateFormat")).getByTestId("wb-date-preset"), "mm/dd/yyyy");
    expect(form.parameters()).toEqual({ sourceColumn: "day", targetDateFormat: "mm/dd/yyyy" });
    type(form.input("targetDateFormat"), "dd.mm.yyyy");
    expect(form.parameters()).toEqual({ sourceColumn: "day", targetDateFormat: "dd.mm.yyyy" });
    expect(form.field("targetDateFormat").textContent).toContain("yyyy year");
  },

  dataset() {
    const form = renderForm("JOIN", { datasets: ["customers", "orders"], rpc: JOIN_RPC() });
    expect(optionTexts(form.input("secondaryDatasetName"))).toEqual(["Choose a dataset…", "customers", "orders"]);
    type(form.input("secondaryDatasetName"), "orders");
    expect(form.parameters().secondaryDatasetName).toBe("orders");
  },

  async dataset_columns() {
    const rpc = JOIN_RPC();
    const form = renderForm("JOIN", { datasets: ["customers"], rpc });
    type(form.input("secondaryDatasetName"), "customers");
    const picker = within(form.field("rightColumns")).getByTestId("wb-list-picker");
    await waitFor(() => expect(optionTexts(picker)).toContain("email · string"));
    type(picker, "email");
    expect(rpc.calls).toContainEqual({ method: "dataset_columns", params: { dataset: "customers" } });
    expect(form.parameters().rightColumns).toEqual(["email"]);
  },

  text_list() {
    const form = renderForm("BUCKETIZATION");
    fillList(form.field("bucketNames"), ["low", "high"]);
    expect(form.parameters().bucketNames).toEqual(["low", "high"]);
    fireEvent.keyDown(listInputs(form.field("bucketNames"))[1], { key: "Enter" });
    const third = listInputs(form.field("bucketNames"))[2];
    expect(document.activeElement).toBe(third); // Enter starts the next item
    type(third, "top");
    expect(form.parameters().bucketNames).toEqual(["low", "high", "top"]);
  },

  number_list() {
    const form = renderForm("BUCKETIZATION");
    fillList(form.field("splits"), ["-Infinity", "0", "1e3", "Infinity"]);
    // JSON has no infinities: they travel as text, which the kernel reads as numbers.
    expect(form.parameters().splits).toEqual(["-Infinity", 0, 1000, "Infinity"]);
  },

  key_value_map() {
    const form = renderForm("CATEGORICAL_MAPPING");
    const field = form.field("categoryMap");
    type(cell(rows(form, "categoryMap")[0], "key"), "a");
    type(cell(rows(form, "categoryMap")[0], "value"), "1");
    fireEvent.click(within(field).getByTestId("wb-row-add"));
    type(cell(rows(form, "categoryMap")[1], "key"), "b");
    type(cell(rows(form, "categoryMap")[1], "value"), "2");
    expect(form.parameters().categoryMap).toEqual({ a: "1", b: "2" });
  },

  sort_keys() {
    const form = renderForm("SORT");
    const first = rows(form, "expressions")[0];
    type(cell(first, "sourceColumn"), "price");
    type(cell(first, "ordering"), "DESCENDING");
    type(cell(first, "nullsOrdering"), "NULLS_TOP");
    fireEvent.click(within(form.field("expressions")).getByTestId("wb-row-add"));
    const second = rows(form, "expressions")[1];
    type(cell(second, "sourceColumn"), "city");
    fillList(cell(second, "customOrder"), ["b", "a"]);
    expect(form.parameters()).toEqual({
      expressions: [
        { sourceColumn: "price", ordering: "DESCENDING", nullsOrdering: "NULLS_TOP" },
        { sourceColumn: "city", ordering: "ASCENDING", nullsOrdering: "NULLS_BOTTOM", customOrder: ["b", "a"] },
      ],
    });
    fireEvent.click(within(rows(form, "expressions")[1]).getByTestId("wb-row-up"));
    expect((form.parameters().expressions as { sourceColumn: string }[]).map((k) => k.sourceColumn)).toEqual(["city", "price"]);
  },

  aggregations() {
    const form = renderForm("GROUP_BY");
    pick(form, "sourceColumns", "city");
    const first = rows(form, "groupByAggFunctionOptions")[0];
    type(cell(first, "sourceColumnName"), "price");
    type(cell(first, "functionName"), "SUM");
    expect(cell(rows(form, "groupByAggFunctionOptions")[0], "targetColumnName")).toHaveProperty("placeholder", "price_sum");
    fireEvent.click(within(form.field("groupByAggFunctionOptions")).getByTestId("wb-row-add"));
    const second = rows(form, "groupByAggFunctionOptions")[1];
    type(cell(second, "sourceColumnName"), "qty");
    type(cell(second, "functionName"), "COUNT");
    type(cell(second, "targetColumnName"), "n");
    type(cell(second, "targetColumnDataType"), "integer");
    expect(form.parameters()).toEqual({
      sourceColumns: ["city"],
      groupByAggFunctionOptions: [
        { sourceColumnName: "price", functionName: "SUM", targetColumnName: "price_sum" },
        { sourceColumnName: "qty", functionName: "COUNT", targetColumnName: "n", targetColumnDataType: "integer" },
      ],
    });
  },

  async join_keys() {
    const form = renderForm("JOIN", { datasets: ["customers"], rpc: JOIN_RPC() });
    type(form.input("joinType"), "LEFT_JOIN");
    type(form.input("secondaryDatasetName"), "customers");
    const row = rows(form, "joinKeys")[0];
    type(cell(row, "key"), "city");
    await waitFor(() => expect(optionTexts(cell(rows(form, "joinKeys")[0], "value"))).toContain("city_name · string"));
    type(cell(rows(form, "joinKeys")[0], "value"), "city_name");
    pick(form, "leftColumns", "city", "price");
    type(within(form.field("rightColumns")).getByTestId("wb-list-picker"), "email");
    expect(form.parameters()).toEqual({
      joinType: "LEFT_JOIN",
      joinKeys: [{ key: "city", value: "city_name" }],
      leftColumns: ["city", "price"],
      rightColumns: ["email"],
      secondaryDatasetName: "customers",
    });
  },

  pattern_options() {
    const form = renderForm("SPLIT_COLUMN_MULTIPLE_DELIMITER");
    type(form.input("sourceColumn"), "city");
    type(form.input("limit"), "2");
    const first = rows(form, "patternOptions")[0];
    type(cell(first, "pattern"), ",");
    check(cell(first, "includeInSplit"), true);
    fireEvent.click(within(form.field("patternOptions")).getByTestId("wb-row-add"));
    type(cell(rows(form, "patternOptions")[1], "pattern"), " ");
    expect(form.parameters()).toEqual({
      sourceColumn: "city",
      limit: 2,
      patternOptions: [{ pattern: ",", includeInSplit: true }, { pattern: " " }],
    });
  },

  pattern_option() {
    const form = renderForm("FIXTURE_STRUCTURED_KINDS");
    type(cell(form.field("patternOption1"), "pattern"), "<");
    const parameters = form.parameters();
    expect(parameters.patternOption1).toEqual({ pattern: "<" });
    expect(parameters).not.toHaveProperty("patternOption2"); // optional and untouched
  },

  column_lists() {
    const form = renderForm("UNION", {
      datasets: ["orders", "returns"],
      rpc: fakeRpc({ dataset_columns: () => ({ columns: [{ name: "town", type: "string" }] }) }),
    });
    pick(form, "secondaryDatasetNames", "orders");
    fillList(form.field("targetColumnNames"), ["place", "cost"]);
    const lists = form.field("datasetsColumns");
    fillList(rows(form, "datasetsColumns")[0], ["city", "price"]);
    fireEvent.click(within(lists).getByTestId("wb-row-add"));
    expect(rows(form, "datasetsColumns")[1].textContent).toContain("orders");
    fillList(rows(form, "datasetsColumns")[1], ["town", ""]);
    expect(form.parameters()).toEqual({
      secondaryDatasetNames: ["orders"],
      targetColumnNames: ["place", "cost"],
      datasetsColumns: [
        ["city", "price"],
        ["town", null],
      ],
    });
  },

  datasets() {
    const form = renderForm("UNION", { datasets: ["orders", "returns"] });
    pick(form, "secondaryDatasetNames", "returns", "orders");
    fireEvent.click(within(form.field("secondaryDatasetNames")).getAllByTestId("wb-list-remove")[0]);
    expect(form.parameters().secondaryDatasetNames).toEqual(["orders"]);
  },

  object() {
    const form = renderForm("FIXTURE_STRUCTURED_KINDS");
    type(form.input("window.unit"), "DAYS");
    type(form.input("window.size"), "7");
    type(form.input("window.bounds.upper"), "3");
    expect(form.field("window.bounds.lower").querySelector("input")).toHaveProperty("value", "0");
    expect(form.parameters().window).toEqual({ unit: "DAYS", size: 7, bounds: { lower: 0, upper: 3 } });
  },
};

describe("every parameter kind has a control that produces its Parameters", () => {
  for (const [kind, run] of Object.entries(KIND_TESTS)) {
    test(kind, async () => {
      await run();
    });
  }
});

test("each field shows a readable title, its description and whether it is required", () => {
  const form = renderForm("FLAG_OUTLIERS");
  const source = form.field("sourceColumn");
  expect(within(source).getByText("Source column")).toBeTruthy();
  expect(within(source).getByLabelText("required")).toBeTruthy();
  expect(within(form.field("threshold")).queryByLabelText("required")).toBeNull();
  expect(screen.getByText("Outlier strategy")).toBeTruthy();
  const sort = renderForm("SORT");
  expect(within(sort.field("expressions")).getByText(/One sort key/)).toBeTruthy();
});
