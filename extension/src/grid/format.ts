import { Type, type DataType } from "apache-arrow";

/** How one cell reads on screen. `kind` picks the styling (alignment, null marker). */
export interface CellText {
  text: string;
  kind: "null" | "number" | "text" | "boolean" | "temporal" | "nested" | "empty";
}

const NULL: CellText = { text: "null", kind: "null" };

/** Units of an Arrow TimeUnit (SECOND, MILLISECOND, MICROSECOND, NANOSECOND) per second. */
const UNITS_PER_SECOND = [1n, 1000n, 1000000n, 1000000000n];
const MILLISECOND = 1;

/** Integer division rounding towards minus infinity, so instants before 1970 keep a positive fraction. */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/**
 * An instant as ISO 8601 text at its full precision ("2024-01-02T03:04:05.123456").
 * JavaScript dates stop at milliseconds, so the fraction is cut from the raw integer.
 */
export function instantToIso(raw: bigint, unit: number, utc: boolean): string {
  const perSecond = UNITS_PER_SECOND[unit] ?? 1000n;
  const seconds = floorDiv(raw, perSecond);
  const fraction = raw - seconds * perSecond;
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return String(raw);
  let text = isoDateTime(date);
  if (fraction !== 0n) {
    const digits = perSecond.toString().length - 1;
    text += "." + fraction.toString().padStart(digits, "0").replace(/0+$/, "");
  }
  return utc ? text + "Z" : text;
}

/** "YYYY-MM-DDTHH:MM:SS" in UTC, with years outside 0000..9999 kept readable. */
function isoDateTime(date: Date): string {
  const iso = date.toISOString();
  const t = iso.indexOf("T");
  return iso.slice(0, t + 9);
}

/** Days or milliseconds since the epoch as "YYYY-MM-DD". */
export function dateToIso(millis: number): string {
  const date = new Date(millis);
  if (Number.isNaN(date.getTime())) return String(millis);
  const iso = date.toISOString();
  return iso.slice(0, iso.indexOf("T"));
}

/** A float the way Python prints it: no float noise, a ".0" on whole numbers, "inf"/"nan". */
export function formatFloat(value: number): CellText {
  if (Number.isNaN(value)) return { text: "NaN", kind: "null" };
  if (!Number.isFinite(value)) return { text: value > 0 ? "inf" : "-inf", kind: "number" };
  let text = String(Number(value.toPrecision(15)));
  if (/^-?\d+$/.test(text)) text += ".0";
  return { text, kind: "number" };
}

/** An unscaled decimal integer ("-12345") with its scale (2) as "-123.45". */
export function formatDecimal(unscaled: string, scale: number): string {
  if (scale <= 0) return unscaled + "0".repeat(-scale);
  const negative = unscaled.startsWith("-");
  const digits = (negative ? unscaled.slice(1) : unscaled).padStart(scale + 1, "0");
  const text = digits.slice(0, digits.length - scale) + "." + digits.slice(digits.length - scale);
  return negative ? "-" + text : text;
}

/** JSON for lists, structs and maps; Arrow rows and vectors know how to become plain values. */
export function formatNested(value: unknown): string {
  try {
    return JSON.stringify(toPlain(value), (_key, v) => (typeof v === "bigint" ? v.toString() : v));
  } catch {
    return String(value);
  }
}

function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== "object") return value;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>);
  if (Array.isArray(value)) return value.map(toPlain);
  // Arrow vectors, struct rows and map rows all turn into plain arrays or objects with toJSON.
  const json = typeof (value as { toJSON?: unknown }).toJSON === "function" ? (value as { toJSON(): unknown }).toJSON() : value;
  if (Array.isArray(json)) return json.map(toPlain);
  if (json && typeof json === "object") {
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, toPlain(v)]));
  }
  return json;
}

/**
 * One value of an Arrow column as cell text. `raw` is the stored int64 of a timestamp, when the
 * caller can reach it, so sub-millisecond digits survive.
 */
export function formatValue(value: unknown, type: DataType, raw?: bigint): CellText {
  if (value === null || value === undefined) return NULL;
  switch (type.typeId) {
    case Type.Dictionary:
      return formatValue(value, (type as unknown as { dictionary: DataType }).dictionary);
    case Type.Int:
      return { text: String(value), kind: "number" };
    case Type.Float:
      return formatFloat(Number(value));
    case Type.Decimal:
      return { text: formatDecimal(String(value), (type as unknown as { scale: number }).scale), kind: "number" };
    case Type.Bool:
      return { text: value ? "true" : "false", kind: "boolean" };
    case Type.Date:
      return { text: dateToIso(Number(value)), kind: "temporal" };
    case Type.Timestamp: {
      const { unit, timezone } = type as unknown as { unit: number; timezone?: string | null };
      const utc = Boolean(timezone);
      if (raw !== undefined) return { text: instantToIso(raw, unit, utc), kind: "temporal" };
      return { text: instantToIso(BigInt(Math.floor(Number(value))), MILLISECOND, utc), kind: "temporal" };
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View: {
      const text = String(value);
      return text === "" ? { text, kind: "empty" } : { text, kind: "text" };
    }
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
    case Type.BinaryView:
      return { text: `<${(value as Uint8Array).length} bytes>`, kind: "nested" };
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList:
    case Type.Struct:
    case Type.Map:
      return { text: formatNested(value), kind: "nested" };
    default:
      return { text: typeof value === "bigint" ? value.toString() : String(value), kind: "text" };
  }
}
