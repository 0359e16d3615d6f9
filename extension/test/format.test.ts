import {
  Bool,
  DateDay,
  Decimal,
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  Struct,
  Table,
  TimestampMicrosecond,
  TimestampNanosecond,
  Utf8,
  makeData,
  makeVector,
  vectorFromArray,
  type Vector,
} from "apache-arrow";
import { decodeWindow } from "../src/grid/arrow";
import { formatDecimal, formatFloat, instantToIso } from "../src/grid/format";
import { asDataView } from "./helpers/frames";

function decoded(columns: Record<string, Vector>) {
  return decodeWindow(asDataView(new Table(columns)));
}

describe("decodeWindow", () => {
  it("reads an IPC stream from a DataView, column by column", () => {
    const window = decoded({
      id: vectorFromArray([1n, 2n, null], new Int64()),
      name: vectorFromArray(["a", null, ""], new Utf8()),
    });
    expect(window.rows).toBe(3);
    expect(window.names).toEqual(["id", "name"]);
    expect(window.column("id")!.cell(1)).toEqual({ text: "2", kind: "number" });
    expect(window.column("id")!.cell(2)).toEqual({ text: "null", kind: "null" });
    expect(window.column("name")!.cell(0)).toEqual({ text: "a", kind: "text" });
    expect(window.column("name")!.cell(1).kind).toBe("null");
    expect(window.column("name")!.cell(2)).toEqual({ text: "", kind: "empty" });
    expect(window.column("missing")).toBeUndefined();
  });

  it("keeps 64-bit integers exact", () => {
    const window = decoded({ big: vectorFromArray([9007199254740993n], new Int64()) });
    expect(window.column("big")!.cell(0).text).toBe("9007199254740993");
  });

  it("prints floats like Python: whole numbers with .0, no float noise, NaN as missing", () => {
    const window = decoded({ x: vectorFromArray([3, 0.1 + 0.2, NaN, -Infinity, 1e21, null], new Float64()) });
    const x = window.column("x")!;
    expect([0, 1, 2, 3, 4].map((i) => x.cell(i).text)).toEqual(["3.0", "0.3", "NaN", "-inf", "1e+21"]);
    expect(x.cell(0).kind).toBe("number");
    expect(x.cell(2).kind).toBe("null");
    expect(x.cell(5).kind).toBe("null");
  });

  it("shows timestamps as ISO text at full precision, with Z only when zoned", () => {
    const naive = makeVector(
      makeData({ type: new TimestampMicrosecond(), length: 2, nullCount: 0, data: BigInt64Array.from([1704164645123456n, -1n]) }),
    );
    const zoned = makeVector(
      makeData({ type: new TimestampNanosecond("UTC"), length: 1, nullCount: 0, data: BigInt64Array.from([1704164645000000001n]) }),
    );
    const window = decoded({ naive, zoned });
    expect(window.column("naive")!.cell(0)).toEqual({ text: "2024-01-02T03:04:05.123456", kind: "temporal" });
    expect(window.column("naive")!.cell(1).text).toBe("1969-12-31T23:59:59.999999");
    expect(window.column("zoned")!.cell(0).text).toBe("2024-01-02T03:04:05.000000001Z");
  });

  it("shows dates as YYYY-MM-DD", () => {
    const window = decoded({ d: vectorFromArray([new Date(Date.UTC(2024, 1, 29))], new DateDay()) });
    expect(window.column("d")!.cell(0)).toEqual({ text: "2024-02-29", kind: "temporal" });
  });

  it("shows booleans, decimals, dictionaries and nested values", () => {
    const decimal = makeVector(
      makeData({ type: new Decimal(2, 10, 128), length: 2, nullCount: 0, data: new Uint32Array([12345, 0, 0, 0, 1, 0, 0, 0]) }),
    );
    const window = decoded({
      flag: vectorFromArray([true, false], new Bool()),
      price: decimal,
      city: vectorFromArray(["Paris", "Oslo"], new Dictionary(new Utf8(), new Int32())),
      tags: vectorFromArray([[1, 2], []], new List(new Field("item", new Int32()))),
      point: vectorFromArray([{ x: 1, y: "a" }, { x: 2, y: "b" }], new Struct([new Field("x", new Int32()), new Field("y", new Utf8())])),
    });
    expect(window.column("flag")!.cell(1)).toEqual({ text: "false", kind: "boolean" });
    expect(window.column("price")!.cell(0)).toEqual({ text: "123.45", kind: "number" });
    expect(window.column("city")!.cell(1)).toEqual({ text: "Oslo", kind: "text" });
    expect(window.column("tags")!.cell(0)).toEqual({ text: "[1,2]", kind: "nested" });
    expect(window.column("point")!.cell(0)).toEqual({ text: '{"x":1,"y":"a"}', kind: "nested" });
  });

  it("answers rows outside the window with an empty cell", () => {
    const window = decoded({ id: vectorFromArray([1n], new Int64()) });
    expect(window.column("id")!.cell(5)).toEqual({ text: "", kind: "empty" });
  });
});

describe("value helpers", () => {
  it("places the decimal point by scale, signs included", () => {
    expect(formatDecimal("12345", 2)).toBe("123.45");
    expect(formatDecimal("-5", 3)).toBe("-0.005");
    expect(formatDecimal("7", 0)).toBe("7");
    expect(formatDecimal("7", -2)).toBe("700");
  });

  it("keeps the fraction of instants before 1970 positive", () => {
    expect(instantToIso(-1500n, 1, false)).toBe("1969-12-31T23:59:58.5");
    expect(instantToIso(0n, 0, true)).toBe("1970-01-01T00:00:00Z");
  });

  it("formats infinities the Python way", () => {
    expect(formatFloat(Infinity).text).toBe("inf");
  });
});
