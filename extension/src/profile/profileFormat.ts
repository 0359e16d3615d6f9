/** Text for the numbers and values of a full column profile (docs/profile.md). */

export type ColumnProfile = Record<string, unknown>;

export function formatStat(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number") {
    if (Number.isInteger(value)) return value.toLocaleString("en-US");
    if (!Number.isFinite(value)) return String(value);
    const magnitude = Math.abs(value);
    if (magnitude !== 0 && (magnitude >= 1e9 || magnitude < 1e-4)) return value.toExponential(3);
    return Number(value.toPrecision(6)).toLocaleString("en-US", { maximumFractionDigits: 6 });
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
}

/** "12.5%" of `part` in `whole`, or "" when the whole is 0. */
export function shareOf(part: unknown, whole: unknown): string {
  if (typeof part !== "number" || typeof whole !== "number" || whole <= 0) return "";
  const value = (part / whole) * 100;
  return `${Number(value.toFixed(value < 10 ? 1 : 0))}%`;
}

/** [label, key] pairs of the statistics table, in reading order; absent keys are skipped. */
export const STAT_ROWS: [string, string][] = [
  ["Rows", "rows"],
  ["Present", "count"],
  ["Missing", "missing"],
  ["Nulls", "nulls"],
  ["Empty texts", "empty"],
  ["NaN", "nan"],
  ["Valid", "valid"],
  ["Invalid", "invalid"],
  ["Distinct", "distinct"],
  ["Unique", "unique"],
  ["Min", "min"],
  ["Max", "max"],
  ["Mean", "mean"],
  ["Std dev", "stddev"],
  ["Variance", "variance"],
  ["Sum", "sum"],
  ["Skewness", "skewness"],
  ["Kurtosis", "kurtosis"],
  ["Zeros", "zeros"],
  ["Negatives", "negatives"],
  ["Mode", "mode"],
];

/** Keys whose count reads better with its share of the rows next to it. */
export const COUNTED_KEYS = new Set(["count", "missing", "nulls", "empty", "nan", "valid", "invalid", "distinct", "unique", "zeros", "negatives"]);

export function statRows(profile: ColumnProfile): { label: string; key: string; value: string; share: string }[] {
  const rows = profile.rows ?? (Number(profile.count ?? 0) + Number(profile.missing ?? 0));
  return STAT_ROWS.filter(([, key]) => profile[key] !== undefined && profile[key] !== null).map(([label, key]) => ({
    label,
    key,
    value: formatStat(profile[key]),
    share: COUNTED_KEYS.has(key) ? shareOf(profile[key], rows) : "",
  }));
}
