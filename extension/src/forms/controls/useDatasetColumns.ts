import { useEffect, useState } from "react";
import type { Rpc } from "../../rpc";
import type { ColumnOption } from "../context";

export interface DatasetColumns {
  columns: ColumnOption[];
  loading: boolean;
  problem: string | null;
}

const NOTHING: DatasetColumns = { columns: [], loading: false, problem: null };

// A dataset's schema does not change while the widget is open: ask the kernel once per name.
const asked = new WeakMap<Rpc, Map<string, Promise<ColumnOption[]>>>();

function columnsOf(rpc: Rpc, dataset: string): Promise<ColumnOption[]> {
  let byName = asked.get(rpc);
  if (!byName) asked.set(rpc, (byName = new Map()));
  let pending = byName.get(dataset);
  if (!pending) {
    pending = rpc.call("dataset_columns", { dataset }).then((reply) => reply.result.columns);
    pending.catch(() => byName?.delete(dataset));
    byName.set(dataset, pending);
  }
  return pending;
}

/** The columns of a secondary dataset, fetched when the name changes. */
export function useDatasetColumns(rpc: Rpc, dataset: string): DatasetColumns {
  const [state, setState] = useState<DatasetColumns>(NOTHING);
  useEffect(() => {
    if (!dataset) {
      setState(NOTHING);
      return;
    }
    let current = true;
    setState({ columns: [], loading: true, problem: null });
    columnsOf(rpc, dataset).then(
      (columns) => current && setState({ columns, loading: false, problem: null }),
      (error: Error) => current && setState({ columns: [], loading: false, problem: error.message }),
    );
    return () => {
      current = false;
    };
  }, [rpc, dataset]);
  return state;
}
