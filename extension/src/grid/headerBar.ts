import type { HeaderProfile } from "../protocol";

/** Shares of a column's rows that are valid, missing and invalid; they add up to 1 (or all 0). */
export interface BarShares {
  valid: number;
  missing: number;
  invalid: number;
}

export function headerBarShares(profile: HeaderProfile): BarShares {
  const invalid = Math.max(0, Math.min(profile.invalid, profile.count));
  const valid = Math.max(0, profile.count - invalid);
  const missing = Math.max(0, profile.missing);
  const total = valid + missing + invalid;
  if (total === 0) return { valid: 0, missing: 0, invalid: 0 };
  return { valid: valid / total, missing: missing / total, invalid: invalid / total };
}

/** "97.5%" — whole numbers lose the decimal, tiny non-zero shares never read as 0. */
export function percent(share: number): string {
  if (share <= 0) return "0%";
  const value = share * 100;
  if (value < 0.1) return "<0.1%";
  return `${Number(value.toFixed(value < 10 ? 1 : 0))}%`;
}

/** Tooltip text for the bar. */
export function barTitle(profile: HeaderProfile): string {
  const shares = headerBarShares(profile);
  const valid = Math.max(0, profile.count - profile.invalid);
  return [
    `valid ${valid.toLocaleString("en-US")} (${percent(shares.valid)})`,
    `missing ${profile.missing.toLocaleString("en-US")} (${percent(shares.missing)})`,
    `invalid ${profile.invalid.toLocaleString("en-US")} (${percent(shares.invalid)})`,
  ].join(" · ");
}
