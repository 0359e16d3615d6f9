import { useState } from "react";
import type { FoundCluster } from "../../protocol";
import { useFormContext } from "../context";
import type { FormObject, FormValue, FormValues } from "../generate";
import type { ControlProps } from "./types";

/** One line of the review: a cluster's members, whether it is accepted and the value it becomes. */
interface ReviewRow {
  key: string;
  values: { value: string; count: number | null }[];
  into: string;
  accepted: boolean;
}

/** Clusters are the same when they have the same members, in any order. */
function clusterKey(values: readonly string[]): string {
  return [...values].sort().join("\u0000");
}

function membersOf(cluster: FormObject): string[] {
  return (Array.isArray(cluster.values) ? cluster.values : []).map(String);
}

/** The settings of the sibling fields, as the find_clusters request takes them. */
function findParams(values: FormValues) {
  const number = (name: string): number | undefined => {
    const text = String(values[name] ?? "").trim();
    return text !== "" && Number.isFinite(Number(text)) ? Number(text) : undefined;
  };
  const text = (name: string): string | undefined => String(values[name] ?? "").trim() || undefined;
  return {
    column: String(values.sourceColumn ?? ""),
    method: text("method"),
    keyer: text("keyer"),
    ngramSize: number("ngramSize"),
    radius: number("radius"),
    blockSize: number("blockSize"),
  };
}

function reviewRows(found: FoundCluster[] | null, accepted: FormObject[], drafts: Record<string, string>): ReviewRow[] {
  const chosen = new Map(accepted.map((c) => [clusterKey(membersOf(c)), String(c.into ?? "")]));
  const rows: ReviewRow[] = (found ?? []).map((cluster) => {
    const key = clusterKey(cluster.values.map((v) => v.value));
    return { key, values: cluster.values, into: chosen.get(key) ?? drafts[key] ?? cluster.into, accepted: chosen.has(key) };
  });
  const shown = new Set(rows.map((r) => r.key));
  // Accepted clusters of a saved step stay listed even when a new search does not find them.
  for (const cluster of accepted) {
    const key = clusterKey(membersOf(cluster));
    if (!shown.has(key)) rows.push({ key, values: membersOf(cluster).map((value) => ({ value, count: null })), into: String(cluster.into ?? ""), accepted: true });
  }
  return rows;
}

/** CLUSTER_AND_MERGE's review: find clusters with the chosen method, accept them and say what each becomes. */
export function ClusterReview({ value, onChange }: ControlProps) {
  const { rpc, values, at } = useFormContext();
  const accepted = (Array.isArray(value) ? value : []) as FormObject[];
  const [found, setFound] = useState<FoundCluster[] | null>(null);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rows = reviewRows(found, accepted, drafts);

  const find = () => {
    const params = { ...findParams(values), ...(at === undefined ? {} : { at }) };
    if (!params.column) {
      setError("choose the source column first");
      return;
    }
    setBusy(true);
    setError(null);
    rpc.call("find_clusters", params).then(
      (reply) => {
        setFound(reply.result.clusters);
        setBusy(false);
      },
      (e: unknown) => {
        setError(e instanceof Error ? e.message : String(e));
        setBusy(false);
      },
    );
  };

  const asParam = (row: ReviewRow, into: string): FormObject => ({ values: row.values.map((v) => v.value), into });
  const update = (next: FormObject[]) => onChange(next as FormValue[]);
  const toggle = (row: ReviewRow, on: boolean) => {
    if (on) update([...accepted, asParam(row, row.into)]);
    else update(accepted.filter((c) => clusterKey(membersOf(c)) !== row.key));
  };
  const editInto = (row: ReviewRow, into: string) => {
    setDrafts({ ...drafts, [row.key]: into });
    if (row.accepted) update(accepted.map((c) => (clusterKey(membersOf(c)) === row.key ? asParam(row, into) : c)));
  };
  const acceptAll = () => update([...accepted, ...rows.filter((r) => !r.accepted).map((r) => asParam(r, r.into))]);

  return (
    <div className="wb-clusters" data-testid="wb-input">
      <div className="wb-clusters-bar">
        <button type="button" className="wb-button" data-testid="wb-find-clusters" disabled={busy} onClick={find}>
          {busy ? "Finding clusters…" : "Find clusters"}
        </button>
        {rows.some((r) => !r.accepted) && (
          <button type="button" className="wb-link-button" data-testid="wb-accept-all" onClick={acceptAll}>
            Accept all
          </button>
        )}
        <span className="wb-clusters-summary" data-testid="wb-clusters-summary">
          {accepted.length} of {rows.length} clusters accepted
        </span>
      </div>
      {error && (
        <div className="wb-field-error" role="alert" data-testid="wb-clusters-error">
          {error}
        </div>
      )}
      {found !== null && found.length === 0 && (
        <div className="wb-clusters-none" data-testid="wb-clusters-none">
          No clusters found with these settings.
        </div>
      )}
      <ol className="wb-cluster-list">
        {rows.map((row, index) => (
          <li key={row.key} className={row.accepted ? "wb-cluster wb-cluster-accepted" : "wb-cluster"} data-testid="wb-cluster">
            <input
              type="checkbox"
              data-testid="wb-cluster-accept"
              aria-label={`Merge cluster ${index + 1}`}
              checked={row.accepted}
              onChange={(e) => toggle(row, e.target.checked)}
            />
            <ul className="wb-cluster-values">
              {row.values.map((v) => (
                <li key={v.value} data-testid="wb-cluster-value">
                  <span className={v.value === "" ? "wb-code wb-empty-text" : "wb-code"}>{v.value === "" ? "(empty text)" : v.value}</span>
                  {v.count !== null && <span className="wb-cluster-count"> × {v.count}</span>}
                </li>
              ))}
            </ul>
            <input
              type="text"
              className="wb-text"
              data-testid="wb-cluster-into"
              aria-label={`Cluster ${index + 1} becomes`}
              placeholder="merge into"
              value={row.into}
              onChange={(e) => editInto(row, e.target.value)}
            />
          </li>
        ))}
      </ol>
    </div>
  );
}
