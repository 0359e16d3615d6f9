import { cleanup, render, screen, within } from "@testing-library/react";
import { ColumnProfileView } from "../src/profile/ProfilePanel";
import { formatStat, shareOf, statRows } from "../src/profile/profileFormat";

afterEach(cleanup);

const TEXT_PROFILE = {
  name: "email",
  logical_type: "string",
  semantic_type: "email",
  rows: 200,
  count: 180,
  missing: 20,
  nulls: 15,
  empty: 5,
  nan: 0,
  valid: 170,
  invalid: 10,
  distinct: 175,
  unique: 172,
  min: null,
  max: null,
  mean: null,
  median: null,
  stddev: null,
  top_values: [
    { value: "a***@e******.com", count: 3 },
    { value: "b***@e******.com", count: 2 },
  ],
  text_length: { min: 9, max: 31, mean: 17.25 },
  histogram: null,
  outliers: null,
  pii: { entity: "EMAIL_ADDRESS", confidence: 0.97 },
};

describe("profile panel", () => {
  it("shows the statistics that apply, with shares of the rows", () => {
    render(<ColumnProfileView profile={TEXT_PROFILE} />);
    const stats = screen.getByTestId("wb-profile-stats");
    const row = (key: string) => stats.querySelector(`[data-stat="${key}"]`)?.textContent;
    expect(row("missing")).toBe("Missing2010%");
    expect(row("invalid")).toBe("Invalid105%");
    expect(row("mean")).toBeUndefined();
    expect(screen.getByText(/EMAIL_ADDRESS/).textContent).toContain("97%");
    expect(within(screen.getByTestId("wb-profile-top")).getAllByText(/\*\*\*/)).toHaveLength(2);
    expect(screen.getByText("Text length")).toBeTruthy();
    expect(screen.queryByText("Quartiles")).toBeNull();
  });

  it("shows elements per value for arrays and entries per value for maps", () => {
    const nested = { logical_type: "array", semantic_type: "nested", rows: 5, count: 4, missing: 1, elements: { min: 0, max: 3, mean: 1.5 } };
    render(<ColumnProfileView profile={nested} />);
    expect(screen.getByText("Elements per value")).toBeTruthy();
    expect(screen.getByTestId("wb-profile-elements").textContent).toBe("min0mean1.5max3");
    expect(screen.queryByText("Text length")).toBeNull();
    cleanup();
    render(<ColumnProfileView profile={{ ...nested, logical_type: "map" }} />);
    expect(screen.getByText("Entries per value")).toBeTruthy();
  });

  it("draws quartiles, histogram and outliers for numbers", () => {
    render(
      <ColumnProfileView
        profile={{
          logical_type: "double",
          rows: 10,
          count: 10,
          missing: 0,
          min: 1,
          q1: 2,
          median: 5,
          q3: 7,
          max: 10,
          mean: 5.123456789,
          histogram: { edges: [1, 4, 7, 10], counts: [3, 4, 3] },
          outliers: { zscore: 0, iqr: 2 },
        }}
      />,
    );
    expect(screen.getByText("Quartiles")).toBeTruthy();
    expect(screen.getByTestId("wb-profile-hist").querySelectorAll("rect")).toHaveLength(3);
    expect(screen.getByText("outside 1.5 IQR").nextSibling?.textContent).toBe("2");
    expect(screen.getByTestId("wb-profile-stats").querySelector('[data-stat="mean"]')?.textContent).toContain("5.12346");
  });

  it("formats statistics for reading", () => {
    expect(formatStat(null)).toBe("—");
    expect(formatStat(1234567)).toBe("1,234,567");
    expect(formatStat(0.000012345)).toBe("1.234e-5");
    expect(formatStat(true)).toBe("true");
    expect(formatStat("2024-01-01T00:00:00Z")).toBe("2024-01-01T00:00:00Z");
    expect(shareOf(1, 3)).toBe("33%");
    expect(shareOf(1, 0)).toBe("");
    expect(statRows({ count: 4, missing: 0 }).map((r) => r.label)).toEqual(["Present", "Missing"]);
  });
});
