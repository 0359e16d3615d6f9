/**
 * Publish the current recipe as a new immutable library version, with a name and a message.
 *
 * Test ids: `wb-publish-dialog`, `wb-publish-name`, `wb-publish-message`, `wb-publish-submit`,
 * `wb-publish-force` (when a newer version of the base was published meanwhile),
 * `wb-publish-error`, `wb-publish-done` (the version it got), `wb-library-hint` (no library).
 */
import { useState } from "react";
import type { LibraryState, LibraryVersion } from "../protocol";
import { RequestError, type Rpc } from "../rpc";
import { Dialog } from "../toolbar/Dialog";
import { byline, isStaleBase } from "./format";

export interface PublishDialogProps {
  rpc: Rpc;
  library: LibraryState;
  onClose(): void;
}

export function PublishDialog({ rpc, library, onClose }: PublishDialogProps) {
  const [name, setName] = useState(library.publishName);
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; stale: boolean } | null>(null);
  const [done, setDone] = useState<LibraryVersion | null>(null);

  const publish = (force: boolean) => {
    setBusy(true);
    setError(null);
    rpc.call("library_publish", { name: name.trim(), message, force }).then(
      (reply) => {
        setBusy(false);
        setDone(reply.result.version);
      },
      (e: Error) => {
        setBusy(false);
        setError({ message: e.message, stale: e instanceof RequestError && isStaleBase(e.detail.parameter) });
      },
    );
  };

  if (!library.configured) {
    return (
      <Dialog title="Publish to the library" testId="wb-publish-dialog" onClose={onClose}>
        <p className="wb-muted" data-testid="wb-library-hint">
          {library.hint}
        </p>
      </Dialog>
    );
  }

  const actions = done ? (
    <button type="button" className="wb-primary" onClick={onClose}>
      Close
    </button>
  ) : (
    <>
      {error?.stale ? (
        <button type="button" data-testid="wb-publish-force" disabled={busy} onClick={() => publish(true)}>
          Publish anyway
        </button>
      ) : null}
      <button type="button" className="wb-primary" data-testid="wb-publish-submit" disabled={busy || name.trim() === ""} onClick={() => publish(false)}>
        {busy ? "Publishing…" : "Publish"}
      </button>
    </>
  );

  return (
    <Dialog title="Publish to the library" testId="wb-publish-dialog" onClose={onClose} actions={actions}>
      <p className="wb-muted">
        A new version of the recipe, which never changes once published, with the input schema and the file this session reads. Library:{" "}
        <code>{library.url}</code>
      </p>
      {done ? (
        <p className="wb-library-done" data-testid="wb-publish-done" role="status">
          Published <strong>{done.ref}</strong> {byline(done)}
          {done.message ? `: ${done.message}` : ""}
        </p>
      ) : (
        <>
          <label className="wb-library-field">
            Recipe name
            <input data-testid="wb-publish-name" value={name} disabled={busy} onChange={(e) => setName(e.target.value)} placeholder="sales-clean" />
          </label>
          <label className="wb-library-field">
            Message
            <textarea
              data-testid="wb-publish-message"
              rows={3}
              value={message}
              disabled={busy}
              onChange={(e) => setMessage(e.target.value)}
              placeholder="What changed, and why"
            />
          </label>
        </>
      )}
      {error ? (
        <p className="wb-error" data-testid="wb-publish-error" role="alert">
          {error.message}
        </p>
      ) : null}
    </Dialog>
  );
}
