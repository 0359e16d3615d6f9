import { MAX_CANVAS_HEIGHT, columnOffsets, columnViewport, rowViewport } from "../src/grid/viewport";

describe("rowViewport", () => {
  it("draws the visible rows plus overscan, clipped to the frame", () => {
    expect(rowViewport(0, 260, 1000, 26, 5)).toEqual({ first: 0, last: 15, canvasHeight: 26000, shift: 0 });
    const middle = rowViewport(2600, 260, 1000, 26, 5);
    expect([middle.first, middle.last]).toEqual([95, 115]);
    const end = rowViewport(26000 - 260, 260, 1000, 26, 5);
    expect(end.last).toBe(1000);
  });

  it("draws nothing for an empty frame", () => {
    const view = rowViewport(0, 400, 0);
    expect(view.first).toBe(0);
    expect(view.last).toBe(0);
    expect(view.canvasHeight).toBe(0);
  });

  it("maps the scroll bar proportionally when the rows would be taller than a browser allows", () => {
    const rows = 10_000_000;
    const bottom = rowViewport(MAX_CANVAS_HEIGHT - 520, 520, rows, 26, 0);
    expect(bottom.canvasHeight).toBe(MAX_CANVAS_HEIGHT);
    expect(bottom.last).toBe(rows);
    const halfway = rowViewport((MAX_CANVAS_HEIGHT - 520) / 2, 520, rows, 26, 0);
    expect(Math.abs(halfway.first - rows / 2)).toBeLessThan(20);
    // A drawn row's top stays inside the visible strip of the (shorter) canvas.
    const top = halfway.first * 26 - halfway.shift;
    expect(top).toBeGreaterThanOrEqual((MAX_CANVAS_HEIGHT - 520) / 2 - 26);
    expect(top).toBeLessThanOrEqual((MAX_CANVAS_HEIGHT - 520) / 2 + 26);
  });
});

describe("columnViewport", () => {
  const offsets = columnOffsets([100, 100, 100, 100, 100, 100]);

  it("computes left edges and the total width", () => {
    expect(offsets).toEqual([0, 100, 200, 300, 400, 500, 600]);
  });

  it("finds the columns crossing the visible strip", () => {
    expect(columnViewport(0, 250, offsets, 0)).toEqual({ first: 0, last: 3 });
    expect(columnViewport(150, 100, offsets, 0)).toEqual({ first: 1, last: 3 });
    expect(columnViewport(150, 100, offsets, 1)).toEqual({ first: 0, last: 4 });
    expect(columnViewport(550, 500, offsets, 2)).toEqual({ first: 3, last: 6 });
  });

  it("handles a frame without columns", () => {
    expect(columnViewport(0, 500, [0])).toEqual({ first: 0, last: 0 });
  });
});
