/**
 * Above the recipe: the library version the recipe is based on ("Based on sales 2.0", and
 * "modified" once the steps differ), and a notice when a newer version of it is published.
 *
 * Test ids: `wb-library-base` (`data-ref`), `wb-library-modified`, `wb-library-newer`
 * (`data-ref`), `wb-library-newer-diff`, `wb-library-newer-open`, `wb-library-problem`.
 */
import type { LibraryState } from "../protocol";
import { byline } from "./format";

export interface BaseNoticeProps {
  library: LibraryState;
  /** Show the newer version's diff against the current recipe (in the library dialog). */
  onShowDiff(name: string, version: string): void;
  /** Open the newer version (replaces the recipe; undoable). */
  onOpen(ref: string): void;
}

export function BaseNotice({ library, onShowDiff, onOpen }: BaseNoticeProps) {
  const { base, newer, problem } = library;
  if (!base && !problem) return null;
  return (
    <div className="wb-library-notice" aria-label="Library version">
      {base ? (
        <p className="wb-library-base" data-testid="wb-library-base" data-ref={base.ref} title={base.digest}>
          Based on <strong>{base.name}</strong> {base.version}
          {library.modified ? (
            <span className="wb-library-modified" data-testid="wb-library-modified">
              {" "}
              · modified
            </span>
          ) : null}
        </p>
      ) : null}
      {newer ? (
        <div className="wb-library-newer" data-testid="wb-library-newer" data-ref={newer.ref} role="status">
          <span>
            <strong>
              {newer.name} {newer.version}
            </strong>{" "}
            is published{newer.author || newer.published ? ` (${byline(newer)})` : ""}
            {newer.message ? `: ${newer.message}` : ""}
          </span>
          <span className="wb-library-newer-actions">
            <button type="button" data-testid="wb-library-newer-diff" onClick={() => onShowDiff(newer.name, newer.version)}>
              See diff
            </button>
            <button type="button" data-testid="wb-library-newer-open" onClick={() => onOpen(newer.ref)}>
              Open it
            </button>
          </span>
        </div>
      ) : null}
      {problem ? (
        <p className="wb-error wb-library-problem" data-testid="wb-library-problem">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
