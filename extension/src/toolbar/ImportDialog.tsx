import { useState } from "react";
import type { Rpc } from "../rpc";
import { Dialog } from "./Dialog";

interface ImportDialogProps {
  rpc: Rpc;
  onClose(): void;
}

/** Paste (or load) a recipe in native or DataBrew JSON, or YAML; it replaces the current one. */
export function ImportDialog({ rpc, onClose }: ImportDialogProps) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = () => {
    setBusy(true);
    setError(null);
    rpc.call("import_recipe", { text }).then(
      () => onClose(),
      (e: Error) => {
        setBusy(false);
        setError(e.message);
      },
    );
  };

  const readFile = (file: File | undefined) => {
    if (!file) return;
    file.text().then(setText, (e: Error) => setError(e.message));
  };

  return (
    <Dialog
      title="Import recipe"
      testId="wb-import-dialog"
      onClose={onClose}
      actions={
        <>
          <label className="wb-file-button">
            Open file…
            <input type="file" accept=".json,.yaml,.yml" onChange={(e) => readFile(e.target.files?.[0])} />
          </label>
          <button type="button" data-testid="wb-import-submit" className="wb-primary" disabled={busy || text.trim() === ""} onClick={submit}>
            {busy ? "Importing…" : "Replace recipe"}
          </button>
        </>
      }
    >
      <p className="wb-muted">Native recipe JSON, AWS Glue DataBrew JSON, or YAML. The current steps are replaced; undo brings them back.</p>
      <textarea
        className="wb-code-text"
        data-testid="wb-import-text"
        spellCheck={false}
        placeholder='{"steps": [...]}'
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      {error ? (
        <p className="wb-error" data-testid="wb-import-error">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
