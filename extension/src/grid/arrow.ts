import { tableFromIPC, Type, type DataType, type Vector } from "apache-arrow";
import { formatValue, type CellText } from "./format";

/** One column of a decoded row window. */
export interface WindowColumn {
  type: DataType;
  cell(row: number): CellText;
}

/** The rows of one `window` response, read column by column. */
export interface DecodedWindow {
  rows: number;
  names: string[];
  column(name: string): WindowColumn | undefined;
}

function bytesOf(buffer: DataView | ArrayBuffer | Uint8Array): Uint8Array {
  if (buffer instanceof Uint8Array) return buffer;
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** The stored int64 of row `index`, or undefined when the column does not keep int64 values. */
function storedInt64(vector: Vector, index: number): bigint | undefined {
  let rest = index;
  for (const chunk of vector.data) {
    if (rest < chunk.length) {
      const values = chunk.values as unknown;
      return values instanceof BigInt64Array ? values[chunk.offset + rest] : undefined;
    }
    rest -= chunk.length;
  }
  return undefined;
}

function readColumn(vector: Vector): WindowColumn {
  const type = vector.type as DataType;
  const keepsInstants = type.typeId === Type.Timestamp;
  return {
    type,
    cell(row) {
      if (row < 0 || row >= vector.length) return { text: "", kind: "empty" };
      const value = vector.get(row);
      if (value === null) return formatValue(null, type);
      return formatValue(value, type, keepsInstants ? storedInt64(vector, row) : undefined);
    },
  };
}

/** Decode the Arrow IPC stream a `window` response carries in its first buffer. */
export function decodeWindow(buffer: DataView | ArrayBuffer | Uint8Array): DecodedWindow {
  const table = tableFromIPC(bytesOf(buffer));
  const names = table.schema.fields.map((field) => field.name);
  const columns = new Map<string, WindowColumn>();
  names.forEach((name, index) => {
    const vector = table.getChildAt(index);
    if (vector && !columns.has(name)) columns.set(name, readColumn(vector));
  });
  return { rows: table.numRows, names, column: (name) => columns.get(name) };
}

/** An empty window, for a response without rows (an empty frame sends no buffer). */
export const EMPTY_WINDOW: DecodedWindow = { rows: 0, names: [], column: () => undefined };
