import { useCallback, useEffect, useRef, useState } from "react";
import type { CatalogueEntry, PreviewInfo, StepError, StepJson } from "./protocol";
import { RequestError, type Rpc } from "./rpc";

/** Where the step being edited goes when applied. */
export type StepTarget = { kind: "append" } | { kind: "insert"; at: number } | { kind: "edit"; index: number };

export interface OpenStep {
  entry: CatalogueEntry;
  target: StepTarget;
  /** The schema the step sees: the frame just before its position. */
  columns: { name: string; type: string }[];
  initial?: StepJson;
  /** Changes on every open, so the form starts afresh even for the same transform. */
  session: number;
}

/** Edits wait this long after the last keystroke before asking the kernel for a preview. */
export const PREVIEW_DEBOUNCE_MS = 300;

/** Where the edited step sits in the recipe; undefined when it is appended. */
export function positionOf(target: StepTarget): number | undefined {
  if (target.kind === "insert") return target.at;
  if (target.kind === "edit") return target.index;
  return undefined;
}

function asStepErrors(error: unknown): StepError[] {
  if (error instanceof RequestError) return [error.detail];
  const message = error instanceof Error ? error.message : String(error);
  return [{ message, parameter: null, column: null, suggestion: null }];
}

/**
 * The step form's conversation with the kernel: debounced previews while editing, then apply,
 * edit or insert. Only the newest preview answer counts, so a slow one never overwrites it.
 */
export function useStepEditor(rpc: Rpc, liveColumns: () => { name: string; type: string }[], previewShown: () => boolean) {
  const [open, setOpen] = useState<OpenStep | null>(null);
  const [errors, setErrors] = useState<StepError[]>([]);
  const [preview, setPreview] = useState<PreviewInfo | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(0);
  const sessions = useRef(0);

  const cancelPending = useCallback(() => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    latest.current++;
  }, []);
  useEffect(() => cancelPending, [cancelPending]);

  const start = useCallback(
    async (entry: CatalogueEntry, target: StepTarget, initial?: StepJson) => {
      cancelPending();
      const position = positionOf(target);
      const columns =
        position === undefined ? liveColumns() : (await rpc.call("schema_at", { at: position })).result.columns;
      if (previewShown()) rpc.call("clear_preview", {}).catch(() => {});
      setErrors([]);
      setPreview(null);
      setOpen({ entry, target, columns, initial, session: ++sessions.current });
    },
    [rpc, liveColumns, previewShown, cancelPending],
  );

  const requestPreview = useCallback(
    (step: StepJson) => {
      if (!open) return;
      cancelPending();
      const ticket = latest.current;
      const at = positionOf(open.target);
      rpc.call("preview", at === undefined ? { step } : { step, at }).then(
        (reply) => {
          if (ticket !== latest.current) return;
          setPreview(reply.result);
          setErrors([]);
        },
        (error) => {
          if (ticket !== latest.current) return;
          setPreview(null);
          setErrors(asStepErrors(error));
        },
      );
    },
    [rpc, open, cancelPending],
  );

  const change = useCallback(
    (step: StepJson) => {
      cancelPending();
      timer.current = setTimeout(() => {
        timer.current = null;
        requestPreview(step);
      }, PREVIEW_DEBOUNCE_MS);
    },
    [requestPreview, cancelPending],
  );

  const apply = useCallback(
    (step: StepJson) => {
      if (!open) return;
      cancelPending();
      const { target } = open;
      const call =
        target.kind === "edit"
          ? rpc.call("edit", { index: target.index, step })
          : rpc.call("apply", target.kind === "insert" ? { step, at: target.at } : { step });
      call.then(
        () => {
          setOpen(null);
          setPreview(null);
          setErrors([]);
          if (previewShown()) rpc.call("clear_preview", {}).catch(() => {});
        },
        (error) => setErrors(asStepErrors(error)),
      );
    },
    [rpc, open, previewShown, cancelPending],
  );

  const cancel = useCallback(() => {
    cancelPending();
    setOpen(null);
    setPreview(null);
    setErrors([]);
    rpc.call("clear_preview", {}).catch(() => {});
  }, [rpc, cancelPending]);

  return { open, errors, preview, start, change, requestPreview, apply, cancel };
}
