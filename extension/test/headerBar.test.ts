import { barTitle, headerBarShares, percent } from "../src/grid/headerBar";
import { headerProfile } from "./helpers/frames";

describe("header bar", () => {
  it("splits the rows into valid, invalid and missing shares", () => {
    const shares = headerBarShares(headerProfile({ count: 80, invalid: 20, missing: 20 }));
    expect(shares).toEqual({ valid: 0.6, invalid: 0.2, missing: 0.2 });
  });

  it("is all valid for a complete, clean column", () => {
    expect(headerBarShares(headerProfile({ count: 5, missing: 0, invalid: 0 }))).toEqual({ valid: 1, invalid: 0, missing: 0 });
  });

  it("is all missing when nothing is present, and empty for an empty frame", () => {
    expect(headerBarShares(headerProfile({ count: 0, missing: 7, invalid: 0 }))).toEqual({ valid: 0, invalid: 0, missing: 1 });
    expect(headerBarShares(headerProfile({ count: 0, missing: 0, invalid: 0 }))).toEqual({ valid: 0, invalid: 0, missing: 0 });
  });

  it("never counts more invalid values than present ones", () => {
    const shares = headerBarShares(headerProfile({ count: 4, invalid: 9, missing: 0 }));
    expect(shares.invalid).toBe(1);
    expect(shares.valid).toBe(0);
  });

  it("writes shares as short percentages", () => {
    expect(percent(0)).toBe("0%");
    expect(percent(0.0000001)).toBe("<0.1%");
    expect(percent(0.0512)).toBe("5.1%");
    expect(percent(0.5)).toBe("50%");
    expect(barTitle(headerProfile({ count: 90, missing: 10, invalid: 0 }))).toBe(
      "valid 90 (90%) · missing 10 (10%) · invalid 0 (0%)",
    );
  });
});
