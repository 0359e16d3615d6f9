/**
 * Open a recipe from the library: search it, pick a recipe, see its versions newest first, and for
 * a version the step diff against the current recipe; "Open this version" replaces the recipe.
 *
 * Test ids: `wb-library-dialog`, `wb-library-search`, `wb-library-recipe` (`data-name`),
 * `wb-library-none`, `wb-library-version` (`data-version`), `wb-library-diff`,
 * `wb-library-change` (`data-kind`), `wb-library-open-version`, `wb-library-error`,
 * `wb-library-hint` (no library).
 */
import { useEffect, useState } from "react";
import type { LibraryChange, LibraryRecipe, LibraryState, LibraryVersionEntry, Requests } from "../protocol";
import type { Rpc } from "../rpc";
import { Dialog } from "../toolbar/Dialog";
import { byline } from "./format";

export interface OpenDialogProps {
  rpc: Rpc;
  library: LibraryState;
  /** Select this recipe (and version) when the dialog opens: the newer-version notice's "See diff". */
  initial?: { name: string; version?: string };
  onClose(): void;
  /** How long typing settles before the library is searched. */
  searchDelayMs?: number;
}

type Diff = Requests["library_diff"]["result"];

export function OpenDialog({ rpc, library, initial, onClose, searchDelayMs = 200 }: OpenDialogProps) {
  const [query, setQuery] = useState(initial?.name ?? "");
  const [name, setName] = useState<string | null>(initial?.name ?? null);
  const [version, setVersion] = useState<string | null>(initial?.version ?? null);
  const [error, setError] = useState<string | null>(null);
  const [opening, setOpening] = useState(false);
  const fail = (e: Error) => setError(e.message);

  const recipes = useSearch(rpc, library.configured, query, searchDelayMs, fail);
  const versions = useVersions(rpc, name, fail);
  const diff = useDiff(rpc, name && version ? `${name}@${version}` : null, fail);

  // A recipe picked without a version shows its newest version's diff.
  useEffect(() => {
    if (versions && version === null && versions.length) setVersion(versions[0].version);
  }, [versions, version]);

  if (!library.configured) {
    return (
      <Dialog title="Open from library" testId="wb-library-dialog" onClose={onClose}>
        <p className="wb-muted" data-testid="wb-library-hint">
          {library.hint}
        </p>
      </Dialog>
    );
  }

  const openVersion = () => {
    if (!name || !version) return;
    setOpening(true);
    setError(null);
    rpc.call("library_open", { ref: `${name}@${version}` }).then(onClose, (e: Error) => {
      setOpening(false);
      fail(e);
    });
  };
  const pick = (recipe: string) => {
    setName(recipe);
    setVersion(null);
    setError(null);
  };

  const actions = (
    <button type="button" className="wb-primary" data-testid="wb-library-open-version" disabled={!diff || opening} onClick={openVersion}>
      {opening ? "Opening…" : version ? `Open ${name} ${version}` : "Open this version"}
    </button>
  );

  return (
    <Dialog title="Open from library" testId="wb-library-dialog" onClose={onClose} actions={actions}>
      <input
        type="search"
        className="wb-library-search"
        data-testid="wb-library-search"
        placeholder="Search by name, description, tag, operation or column"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        autoFocus
      />
      <div className="wb-library-columns">
        <RecipeList recipes={recipes} selected={name} onPick={pick} />
        <VersionList versions={name ? versions : []} selected={version} onPick={setVersion} />
        <DiffView diff={diff} />
      </div>
      {error ? (
        <p className="wb-error" data-testid="wb-library-error" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}

function RecipeList({ recipes, selected, onPick }: { recipes: LibraryRecipe[] | null; selected: string | null; onPick(name: string): void }) {
  if (recipes === null) return <p className="wb-muted wb-library-list">Searching…</p>;
  if (recipes.length === 0)
    return (
      <p className="wb-muted wb-library-list" data-testid="wb-library-none">
        No recipe matches.
      </p>
    );
  return (
    <ul className="wb-library-list" aria-label="Recipes">
      {recipes.map((recipe) => (
        <li key={recipe.name}>
          <button
            type="button"
            data-testid="wb-library-recipe"
            data-name={recipe.name}
            aria-pressed={recipe.name === selected}
            className={recipe.name === selected ? "wb-library-selected" : ""}
            onClick={() => onPick(recipe.name)}
          >
            <strong>{recipe.name}</strong> <span className="wb-muted">{recipe.latest ? recipe.latest : "draft only"}</span>
            {recipe.description ? <span className="wb-library-description">{recipe.description}</span> : null}
          </button>
        </li>
      ))}
    </ul>
  );
}

function VersionList({
  versions,
  selected,
  onPick,
}: {
  versions: LibraryVersionEntry[] | null;
  selected: string | null;
  onPick(version: string): void;
}) {
  if (versions === null) return <p className="wb-muted wb-library-list">Loading versions…</p>;
  return (
    <ul className="wb-library-list" aria-label="Versions">
      {versions.map((entry) => (
        <li key={entry.version}>
          <button
            type="button"
            data-testid="wb-library-version"
            data-version={entry.version}
            aria-pressed={entry.version === selected}
            className={entry.version === selected ? "wb-library-selected" : ""}
            onClick={() => onPick(entry.version)}
          >
            <strong>{entry.version}</strong> <span className="wb-muted">{byline(entry)}</span>
            {entry.deprecated ? <span className="wb-library-deprecated"> deprecated</span> : null}
            {entry.message ? <span className="wb-library-description">{entry.message}</span> : null}
          </button>
        </li>
      ))}
    </ul>
  );
}

function DiffView({ diff }: { diff: Diff | null }) {
  if (!diff) return <div className="wb-library-diff wb-muted">Pick a version to compare it with the current recipe.</div>;
  return (
    <div className="wb-library-diff" data-testid="wb-library-diff">
      <p>
        From the current recipe to <strong>{diff.to}</strong>: {changeCount(diff.changes)}
      </p>
      <ul>
        {diff.changes.map((change, index) => (
          <li key={index} data-testid="wb-library-change" data-kind={change.kind} className={`wb-change-${change.kind}`}>
            {change.text}
          </li>
        ))}
      </ul>
    </div>
  );
}

function changeCount(changes: LibraryChange[]): string {
  if (changes.length === 0) return "no changes.";
  return changes.length === 1 ? "1 change." : `${changes.length} changes.`;
}

/** The recipes matching `query`, searched once typing settles; null while a search runs. */
function useSearch(rpc: Rpc, enabled: boolean, query: string, delayMs: number, fail: (e: Error) => void): LibraryRecipe[] | null {
  const [recipes, setRecipes] = useState<LibraryRecipe[] | null>(null);
  useEffect(() => {
    if (!enabled) return undefined;
    let current = true;
    setRecipes(null);
    const timer = setTimeout(() => {
      rpc.call("library_search", { query }).then(
        (reply) => current && setRecipes(reply.result.recipes),
        (e: Error) => {
          if (!current) return;
          setRecipes([]);
          fail(e);
        },
      );
    }, delayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // `fail` only sets state: a new closure of it must not search again.
  }, [rpc, enabled, query, delayMs]);
  return recipes;
}

function useVersions(rpc: Rpc, name: string | null, fail: (e: Error) => void): LibraryVersionEntry[] | null {
  const [versions, setVersions] = useState<LibraryVersionEntry[] | null>(null);
  useEffect(() => {
    setVersions(null);
    if (!name) return undefined;
    let current = true;
    rpc.call("library_versions", { name }).then(
      (reply) => current && setVersions(reply.result.versions),
      (e: Error) => current && fail(e),
    );
    return () => {
      current = false;
    };
  }, [rpc, name]);
  return versions;
}

function useDiff(rpc: Rpc, ref: string | null, fail: (e: Error) => void): Diff | null {
  const [diff, setDiff] = useState<Diff | null>(null);
  useEffect(() => {
    setDiff(null);
    if (!ref) return undefined;
    let current = true;
    rpc.call("library_diff", { ref }).then(
      (reply) => current && setDiff(reply.result),
      (e: Error) => current && fail(e),
    );
    return () => {
      current = false;
    };
  }, [rpc, ref]);
  return diff;
}
