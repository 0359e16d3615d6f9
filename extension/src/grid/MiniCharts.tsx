/** Small charts shared by the column headers and the profile panel. */

interface Histogram {
  edges: number[];
  counts: number[];
}

function edgeText(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e6 || (value !== 0 && Math.abs(value) < 1e-3)
    ? value.toExponential(2)
    : String(Number(value.toPrecision(6)));
}

/** Bars of equal width; each bar's tooltip gives its range and count. */
export function MiniHistogram({
  histogram,
  testId,
  className,
  formatEdge = edgeText,
}: {
  histogram: Histogram;
  testId?: string;
  className?: string;
  formatEdge?: (value: number) => string;
}) {
  const { counts, edges } = histogram;
  const highest = Math.max(1, ...counts);
  return (
    <svg
      className={className}
      data-testid={testId}
      data-kind="histogram"
      viewBox={`0 0 ${counts.length} 100`}
      preserveAspectRatio="none"
      role="img"
      aria-label="histogram"
    >
      {counts.map((count, i) => {
        const height = count === 0 ? 0 : Math.max(3, (count / highest) * 100);
        return (
          <rect key={i} className="wb-hist-bar" x={i + 0.08} width={0.84} y={100 - height} height={height}>
            <title>{`${formatEdge(edges[i])} – ${formatEdge(edges[i + 1])}: ${count.toLocaleString("en-US")}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

/** Most frequent values, each with a bar proportional to its share of `total`. */
export function TopValueBars({
  values,
  total,
  testId,
  className,
}: {
  values: { value: unknown; count: number }[];
  total: number;
  testId?: string;
  className?: string;
}) {
  return (
    <div className={className} data-testid={testId} data-kind="top-values">
      {values.map(({ value, count }, i) => {
        const share = total > 0 ? count / total : 0;
        const label = value === null || value === undefined ? "null" : String(value);
        return (
          <div className="wb-top-row" key={i} title={`${label}: ${count.toLocaleString("en-US")}`}>
            <span className="wb-top-fill" style={{ width: `${Math.min(100, share * 100)}%` }} />
            <span className="wb-top-label">{label === "" ? '""' : label}</span>
            <span className="wb-top-count">{count.toLocaleString("en-US")}</span>
          </div>
        );
      })}
    </div>
  );
}
