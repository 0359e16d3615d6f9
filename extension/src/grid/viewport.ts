/** Geometry of the virtualised grid: which rows and columns to draw for a scroll position. */

export const ROW_HEIGHT = 26;
export const HEADER_HEIGHT = 96;
export const ROW_NUMBER_WIDTH = 64;
export const OVERSCAN_ROWS = 8;
export const OVERSCAN_COLUMNS = 2;
/**
 * Browsers stop growing an element somewhere between 17 and 33 million pixels; beyond this
 * height the scroll bar maps onto the rows proportionally instead of one pixel per pixel.
 */
export const MAX_CANVAS_HEIGHT = 8_000_000;

export interface RowViewport {
  /** First row to draw (inclusive) and last (exclusive), overscan included. */
  first: number;
  last: number;
  /** Height of the scrollable body. */
  canvasHeight: number;
  /** Subtract from `row * rowHeight` to get a row's top inside the body. */
  shift: number;
}

export function rowViewport(
  scrollTop: number,
  viewportHeight: number,
  rows: number,
  rowHeight = ROW_HEIGHT,
  overscan = OVERSCAN_ROWS,
): RowViewport {
  const fullHeight = rows * rowHeight;
  const canvasHeight = Math.min(fullHeight, MAX_CANVAS_HEIGHT);
  let top = Math.max(0, scrollTop);
  if (fullHeight > canvasHeight) {
    const canvasRange = Math.max(1, canvasHeight - viewportHeight);
    const fullRange = Math.max(0, fullHeight - viewportHeight);
    top = (Math.min(top, canvasRange) / canvasRange) * fullRange;
  }
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(rows, Math.ceil((top + viewportHeight) / rowHeight) + overscan);
  return { first, last: Math.max(first, last), canvasHeight, shift: top - Math.max(0, scrollTop) };
}

/** Left edge of every column, plus the total width as the last entry. */
export function columnOffsets(widths: number[]): number[] {
  const offsets = [0];
  for (const width of widths) offsets.push(offsets[offsets.length - 1] + width);
  return offsets;
}

/** Columns [first, last) that intersect the visible strip, overscan included. */
export function columnViewport(
  scrollLeft: number,
  viewportWidth: number,
  offsets: number[],
  overscan = OVERSCAN_COLUMNS,
): { first: number; last: number } {
  const count = offsets.length - 1;
  if (count <= 0) return { first: 0, last: 0 };
  const firstVisible = Math.max(0, lastOffsetAtOrBefore(offsets, scrollLeft));
  const lastVisible = lastOffsetAtOrBefore(offsets, scrollLeft + viewportWidth);
  return {
    first: Math.max(0, Math.min(count - 1, firstVisible) - overscan),
    last: Math.min(count, lastVisible + 1 + overscan),
  };
}

/** Binary search: the largest i with offsets[i] <= x. */
function lastOffsetAtOrBefore(offsets: number[], x: number): number {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A column's width from its logical type: narrow for flags and numbers, wide for instants. */
export function columnWidth(type: string): number {
  if (type === "boolean") return 110;
  if (type === "timestamp") return 200;
  if (type === "date") return 130;
  if (/int|long|short|byte|double|float|decimal/.test(type)) return 130;
  return 170;
}
