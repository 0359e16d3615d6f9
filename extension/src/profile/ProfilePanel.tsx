import { useEffect, useState, type ReactNode } from "react";
import type { Rpc } from "../rpc";
import { MiniHistogram, TopValueBars } from "../grid/MiniCharts";
import { formatStat, statRows, type ColumnProfile } from "./profileFormat";

interface ProfilePanelProps {
  rpc: Rpc;
  column: string;
  /** The live frame's revision: the profile is fetched again when the data changes. */
  revision: number;
  onClose(): void;
}

type Load = { state: "loading" } | { state: "error"; message: string } | { state: "ready"; profile: ColumnProfile };

export function ProfilePanel({ rpc, column, revision, onClose }: ProfilePanelProps) {
  const [load, setLoad] = useState<Load>({ state: "loading" });
  useEffect(() => {
    let current = true;
    setLoad({ state: "loading" });
    rpc.call("profile", { column }).then(
      (reply) => current && setLoad({ state: "ready", profile: reply.result }),
      (error: Error) => current && setLoad({ state: "error", message: error.message }),
    );
    return () => {
      current = false;
    };
  }, [rpc, column, revision]);

  return (
    <section className="wb-panel wb-profile-panel" data-testid="wb-profile-panel" aria-label={`Profile of ${column}`}>
      <header className="wb-panel-header">
        <h3 title={column}>{column}</h3>
        <button type="button" className="wb-close" aria-label="Close profile" onClick={onClose}>
          ×
        </button>
      </header>
      {load.state === "loading" ? <p className="wb-muted">Profiling…</p> : null}
      {load.state === "error" ? <p className="wb-error">{load.message}</p> : null}
      {load.state === "ready" ? <ColumnProfileView profile={load.profile} /> : null}
    </section>
  );
}

export function ColumnProfileView({ profile }: { profile: ColumnProfile }) {
  const histogram = profile.histogram as { edges: number[]; counts: number[] } | null | undefined;
  const topValues = profile.top_values as { value: unknown; count: number }[] | undefined;
  const pii = profile.pii as { entity: string; confidence: number } | null | undefined;
  return (
    <div className="wb-profile-body">
      <p className="wb-profile-kind">
        <span className="wb-type-badge">{String(profile.logical_type ?? "")}</span>
        {profile.semantic_type ? <span className="wb-semantic">{String(profile.semantic_type)}</span> : null}
        {pii ? (
          <span className="wb-pii-badge" title="Values shown in this profile are masked">
            PII: {pii.entity} ({Math.round(pii.confidence * 100)}%)
          </span>
        ) : null}
      </p>
      <StatsTable profile={profile} />
      <Quartiles profile={profile} />
      {histogram && histogram.counts.length > 0 ? (
        <ProfileSection title="Histogram">
          <MiniHistogram histogram={histogram} className="wb-profile-hist" testId="wb-profile-hist" />
          <div className="wb-axis">
            <span>{formatStat(histogram.edges[0])}</span>
            <span>{formatStat(histogram.edges[histogram.edges.length - 1])}</span>
          </div>
        </ProfileSection>
      ) : null}
      {topValues && topValues.length > 0 ? (
        <ProfileSection title="Top values">
          <TopValueBars values={topValues} total={Number(profile.count ?? 0)} className="wb-profile-top" testId="wb-profile-top" />
        </ProfileSection>
      ) : null}
      <Outliers profile={profile} />
      <Lengths title="Text length" lengths={profile.text_length} testId="wb-profile-text-length" />
      <Lengths
        title={profile.logical_type === "map" ? "Entries per value" : "Elements per value"}
        lengths={profile.elements}
        testId="wb-profile-elements"
      />
    </div>
  );
}

function ProfileSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="wb-profile-section">
      <h4>{title}</h4>
      {children}
    </div>
  );
}

function StatsTable({ profile }: { profile: ColumnProfile }) {
  return (
    <table className="wb-stats" data-testid="wb-profile-stats">
      <tbody>
        {statRows(profile).map(({ label, key, value, share }) => (
          <tr key={key} data-stat={key}>
            <th scope="row">{label}</th>
            <td>{value}</td>
            <td className="wb-muted">{share}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Min, Q1, median, Q3, max as a box on a line, when the column has them as numbers. */
function Quartiles({ profile }: { profile: ColumnProfile }) {
  const keys = ["min", "q1", "median", "q3", "max"] as const;
  const values = keys.map((k) => profile[k]);
  if (values.every((v) => v === null || v === undefined)) return null;
  const numbers = values.every((v) => typeof v === "number") ? (values as number[]) : null;
  const span = numbers ? numbers[4] - numbers[0] : 0;
  const at = (v: number) => (span > 0 && numbers ? ((v - numbers[0]) / span) * 100 : 50);
  return (
    <ProfileSection title="Quartiles">
      {numbers ? (
        <svg className="wb-boxplot" viewBox="0 0 100 16" preserveAspectRatio="none" aria-hidden="true">
          <line x1={0} x2={100} y1={8} y2={8} className="wb-box-whisker" />
          <rect x={at(numbers[1])} width={Math.max(0.5, at(numbers[3]) - at(numbers[1]))} y={2} height={12} className="wb-box" />
          <line x1={at(numbers[2])} x2={at(numbers[2])} y1={2} y2={14} className="wb-box-median" />
        </svg>
      ) : null}
      <dl className="wb-quartiles">
        {keys.map((k, i) => (
          <div key={k}>
            <dt>{k === "median" ? "median" : k.toUpperCase()}</dt>
            <dd>{formatStat(values[i])}</dd>
          </div>
        ))}
      </dl>
    </ProfileSection>
  );
}

function Outliers({ profile }: { profile: ColumnProfile }) {
  const outliers = profile.outliers as { zscore: number; iqr: number } | null | undefined;
  if (!outliers) return null;
  return (
    <ProfileSection title="Outliers">
      <dl className="wb-pairs">
        <dt title="values more than 3 standard deviations from the mean">z-score &gt; 3</dt>
        <dd>{formatStat(outliers.zscore)}</dd>
        <dt title="values outside Q1 − 1.5 IQR … Q3 + 1.5 IQR">outside 1.5 IQR</dt>
        <dd>{formatStat(outliers.iqr)}</dd>
      </dl>
    </ProfileSection>
  );
}

type LengthSummary = { min: number; max: number; mean: number };

/** Minimum, mean and maximum of a length: characters of text, elements of arrays and maps. */
function Lengths({ title, lengths, testId }: { title: string; lengths: unknown; testId: string }) {
  if (!lengths) return null;
  const { min, max, mean } = lengths as LengthSummary;
  return (
    <ProfileSection title={title}>
      <dl className="wb-pairs" data-testid={testId}>
        <dt>min</dt>
        <dd>{formatStat(min)}</dd>
        <dt>mean</dt>
        <dd>{formatStat(mean)}</dd>
        <dt>max</dt>
        <dd>{formatStat(max)}</dd>
      </dl>
    </ProfileSection>
  );
}
