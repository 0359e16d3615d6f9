import { useEffect, useState } from "react";
import type { Rpc } from "../rpc";
import { Dialog } from "./Dialog";

interface ExportDialogProps {
  rpc: Rpc;
  recipeName: string;
  onClose(): void;
}

export function ExportDialog({ rpc, recipeName, onClose }: ExportDialogProps) {
  const [databrew, setDatabrew] = useState(false);
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    let current = true;
    setText(null);
    setError(null);
    setCopied(false);
    rpc.call("export_recipe", { databrew }).then(
      (reply) => current && setText(reply.result.text),
      (e: Error) => current && setError(e.message),
    );
    return () => {
      current = false;
    };
  }, [rpc, databrew]);

  const fileName = `${safeFileName(recipeName || "recipe")}${databrew ? ".databrew" : ""}.json`;
  const copy = () => {
    if (text === null) return;
    copyText(text).then(
      () => setCopied(true),
      () => setError("The browser refused the clipboard; select the text and copy it."),
    );
  };

  return (
    <Dialog
      title="Export recipe"
      testId="wb-export-dialog"
      onClose={onClose}
      actions={
        <>
          <button type="button" data-testid="wb-export-copy" disabled={text === null} onClick={copy}>
            {copied ? "Copied" : "Copy"}
          </button>
          <button type="button" data-testid="wb-export-download" disabled={text === null} onClick={() => text !== null && download(text, fileName)}>
            Download {fileName}
          </button>
        </>
      }
    >
      <div className="wb-segmented" role="radiogroup" aria-label="Format">
        <label>
          <input type="radio" name="wb-export-format" checked={!databrew} onChange={() => setDatabrew(false)} />
          Recipe JSON
        </label>
        <label>
          <input
            type="radio"
            name="wb-export-format"
            data-testid="wb-export-databrew"
            checked={databrew}
            onChange={() => setDatabrew(true)}
          />
          DataBrew JSON
        </label>
      </div>
      {error ? <p className="wb-error">{error}</p> : null}
      <textarea
        className="wb-code-text"
        data-testid="wb-export-text"
        readOnly
        spellCheck={false}
        value={text ?? "Exporting…"}
        onFocus={(e) => e.currentTarget.select()}
      />
    </Dialog>
  );
}

function safeFileName(name: string): string {
  return name.replace(/[^\w.-]+/g, "_");
}

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) return navigator.clipboard.writeText(text);
  throw new Error("no clipboard");
}

function download(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.style.display = "none";
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
