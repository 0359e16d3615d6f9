/** The form generator as a pure module: schema → fields, wire values ⇄ form values. */
import { buildStep, encodeNumber, fieldsOf, fromParameters, toParameters, type FieldSpec } from "../src/forms/generate";
import { enumLabel, labelOf, operationLabel } from "../src/forms/labels";
import { entry } from "./formsFixture";

function field(operation: string, name: string): FieldSpec {
  const found = fieldsOf(entry(operation)).find((f) => f.name === name);
  if (!found) throw new Error(`${operation} has no ${name}`);
  return found;
}

/** Parameters after a trip through the form: what an untouched edit form gives back. */
function throughForm(operation: string, parameters: Record<string, unknown>): Record<string, unknown> {
  const fields = fieldsOf(entry(operation));
  return toParameters(fields, fromParameters(fields, parameters));
}

describe("labels", () => {
  test.each([
    ["sourceColumn", "Source column"],
    ["groupByAggFunctionOptions", "Group by agg function options"],
    ["patternOption1", "Pattern option 1"],
    ["limit", "Limit"],
  ])("%s reads as %s", (name, label) => expect(labelOf(name)).toBe(label));

  test("operations and enum values read as words", () => {
    expect(operationLabel("UPPER_CASE")).toBe("Upper case");
    expect(enumLabel("NULLS_TOP")).toBe("Nulls top");
    expect(enumLabel("yyyy-mm-dd")).toBe("yyyy-mm-dd");
  });
});

describe("fields from the schema", () => {
  test("one field per property, in schema order, with kind, label and required", () => {
    const fields = fieldsOf(entry("FLAG_OUTLIERS"));
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ["sourceColumn", "column", true],
      ["targetColumn", "new_column", true],
      ["outlierStrategy", "enum", true],
      ["threshold", "number", false],
      ["trueString", "text", false],
      ["falseString", "text", false],
    ]);
    expect(fields[0].columnTypes).toEqual(["integer", "double", "decimal"]);
    expect(fields[3].defaultValue).toBe(3);
  });

  test("$ref into $defs gives the enum; keys beside the $ref win", () => {
    const ordering = field("SORT", "expressions").fields?.find((f) => f.name === "ordering");
    expect(ordering).toMatchObject({ kind: "enum", enumValues: ["ASCENDING", "DESCENDING"], defaultValue: "ASCENDING", required: false });
  });

  test("anyOf with null is an optional value of the other branch, whose kind is kept", () => {
    expect(field("CATEGORICAL_MAPPING", "mapType")).toMatchObject({ kind: "enum", required: false, enumValues: ["NUMERIC", "STRING"] });
    expect(field("BUCKETIZATION", "splits")).toMatchObject({ kind: "number_list", required: false });
    expect(field("FIXTURE_STRUCTURED_KINDS", "patternOption2")).toMatchObject({ kind: "pattern_option", required: false });
  });

  test("rows and objects carry the fields of their definition, recursively", () => {
    const aggregate = field("GROUP_BY", "groupByAggFunctionOptions");
    expect(aggregate.fields?.map((f) => [f.name, f.kind, f.required])).toEqual([
      ["sourceColumnName", "text", true],
      ["targetColumnName", "text", true],
      ["targetColumnDataType", "text", false],
      ["functionName", "enum", true],
    ]);
    const window = field("FIXTURE_STRUCTURED_KINDS", "window");
    const bounds = window.fields?.find((f) => f.name === "bounds");
    expect(bounds?.kind).toBe("object");
    expect(bounds?.fields?.map((f) => f.name)).toEqual(["lower", "upper"]);
  });

  test("UNION's column lists may hold nulls", () => {
    expect(field("UNION", "datasetsColumns")).toMatchObject({ kind: "column_lists", itemNullable: true });
  });
});

describe("DataBrew's string-encoded parameters load as typed values", () => {
  test("booleans, integers and lists of names", () => {
    expect(throughForm("GROUP_BY", { sourceColumns: '["a","b"]', groupByAggFunctionOptions: "[]", useNewDataFrame: "TRUE" })).toEqual({
      sourceColumns: ["a", "b"],
      useNewDataFrame: true,
    });
    expect(throughForm("MOVE_TO_INDEX", { sourceColumn: "a", targetIndex: "3" })).toEqual({ sourceColumn: "a", targetIndex: 3 });
    expect(throughForm("FLAG_OUTLIERS", { sourceColumn: "a", targetColumn: "b", outlierStrategy: "z_score", threshold: "2.5" })).toEqual({
      sourceColumn: "a",
      targetColumn: "b",
      outlierStrategy: "Z_SCORE",
      threshold: 2.5,
    });
  });

  test("structured values inside strings, with their own strings inside", () => {
    const sort = throughForm("SORT", { expressions: '[{"sourceColumn":"a","ordering":"DESCENDING","nullsOrdering":"NULLS_TOP"}]' });
    expect(sort).toEqual({ expressions: [{ sourceColumn: "a", ordering: "DESCENDING", nullsOrdering: "NULLS_TOP" }] });
    const split = throughForm("SPLIT_COLUMN_MULTIPLE_DELIMITER", {
      sourceColumn: "d",
      limit: "2",
      patternOptions: '[{"pattern":",","includeInSplit":"false"},{"pattern":" ","includeInSplit":true}]',
    });
    expect(split).toEqual({ sourceColumn: "d", limit: 2, patternOptions: [{ pattern: "," }, { pattern: " ", includeInSplit: true }] });
    expect(
      throughForm("CATEGORICAL_MAPPING", { sourceColumn: "a", targetColumn: "b", categoryMap: '{"x":"1","y":"2"}' }).categoryMap,
    ).toEqual({ x: "1", y: "2" });
    expect(
      throughForm("BUCKETIZATION", {
        sourceColumn: "a",
        targetColumn: "b",
        bucketNames: '["lo","hi"]',
        splits: '["-Infinity",0,"Infinity"]',
      }),
    ).toEqual({
      sourceColumn: "a",
      targetColumn: "b",
      bucketNames: ["lo", "hi"],
      splits: ["-Infinity", 0, "Infinity"],
    });
    expect(
      throughForm("UNION", {
        datasetsColumns: '[["a",null],["b","c"]]',
        secondaryDatasetNames: '["other"]',
        targetColumnNames: '["x","y"]',
      }),
    ).toEqual({
      datasetsColumns: [
        ["a", null],
        ["b", "c"],
      ],
      secondaryDatasetNames: ["other"],
      targetColumnNames: ["x", "y"],
    });
  });

  test("typed parameters come back unchanged", () => {
    const join = {
      joinType: "INNER_JOIN",
      joinKeys: [{ key: "id", value: "customer_id" }],
      leftColumns: ["id", "name"],
      rightColumns: ["email"],
      secondaryDatasetName: "customers",
    };
    expect(throughForm("JOIN", join)).toEqual(join);
    const group = {
      sourceColumns: ["city"],
      groupByAggFunctionOptions: [
        { sourceColumnName: "price", targetColumnName: "total", targetColumnDataType: "double", functionName: "SUM" },
      ],
      useNewDataFrame: true,
    };
    expect(throughForm("GROUP_BY", group)).toEqual(group);
    const fixture = {
      sourceColumn: "s",
      patternOption1: { pattern: "<", includeInSplit: true },
      window: { unit: "DAYS", size: 7, bounds: { lower: 1 } },
    };
    expect(throughForm("FIXTURE_STRUCTURED_KINDS", fixture)).toEqual(fixture);
  });
});

describe("form values to parameters", () => {
  test("numbers stay text until they are numbers; other text goes to the kernel as typed", () => {
    expect(encodeNumber("12", "integer")).toBe(12);
    expect(encodeNumber("1.5", "integer")).toBe("1.5");
    expect(encodeNumber("-0.25", "number")).toBe(-0.25);
    expect(encodeNumber("abc", "number")).toBe("abc");
    expect(encodeNumber("99999999999999999999", "integer")).toBe("99999999999999999999");
    expect(encodeNumber(" ", "number")).toBe("");
  });

  test("empty values are left out (the kernel names a missing required one); defaults are filled in", () => {
    expect(toParameters(fieldsOf(entry("MERGE")), fromParameters(fieldsOf(entry("MERGE"))))).toEqual({ delimiter: " " });
    expect(toParameters(fieldsOf(entry("DATE_FORMAT")), fromParameters(fieldsOf(entry("DATE_FORMAT"))))).toEqual({
      dateTimeFormat: "yyyy-mm-dd HH:MM:SS",
    });
  });

  test("the step keeps unknown console parameters and the workbench keys of the edited step", () => {
    const initial = {
      Action: { Operation: "UPPER_CASE", Parameters: { sourceColumn: "a", functionStepType: "UPPER_CASE" } },
      id: "s1",
      disabled: true,
      note: "why",
    };
    const fields = fieldsOf(entry("UPPER_CASE"));
    const step = buildStep(entry("UPPER_CASE"), fields, fromParameters(fields, initial.Action.Parameters), [], initial);
    expect(step).toEqual(initial);
  });
});
