/**
 * The transform menu: every transform by category, a search box, keyboard navigation.
 *
 * Test ids: `wb-menu` (root), `wb-menu-search`, `wb-menu-group` (`data-category`, only while
 * not searching), `wb-menu-item` (`data-operation`, `aria-disabled` when the engine cannot run
 * it, `aria-selected` on the keyboard's item), `wb-menu-reason` (why it cannot run),
 * `wb-menu-empty` (no match).
 */
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { Catalogue, CatalogueEntry } from "../protocol";
import { operationLabel } from "../forms/labels";
import { RichText } from "../forms/RichText";
import { groupByCategory, isPickable, searchTransforms, type MenuGroup } from "./search";

export interface TransformMenuProps {
  catalogue: Catalogue;
  engine: string;
  onPick(entry: CatalogueEntry): void;
  onClose(): void;
}

export function TransformMenu({ catalogue, engine, onPick, onClose }: TransformMenuProps) {
  const [query, setQuery] = useState("");
  const visible = useMemo(() => searchTransforms(catalogue, query), [catalogue, query]);
  const groups = useMemo(() => (query.trim() ? null : groupByCategory(catalogue)), [catalogue, query]);
  const pickable = (entry: CatalogueEntry | undefined) => entry !== undefined && isPickable(entry, engine);
  const [active, setActive] = useState(() => nextPickable(visible, -1, 1, pickable));
  const listId = useId();

  const search = (text: string) => {
    setQuery(text);
    setActive(nextPickable(searchTransforms(catalogue, text), -1, 1, pickable));
  };
  const pick = (entry: CatalogueEntry | undefined) => {
    if (entry && pickable(entry)) onPick(entry);
  };
  const onKey = (event: KeyboardEvent) => {
    const moves: Record<string, () => number> = {
      ArrowDown: () => nextPickable(visible, active, 1, pickable),
      ArrowUp: () => nextPickable(visible, active, -1, pickable),
      Home: () => nextPickable(visible, -1, 1, pickable),
      End: () => nextPickable(visible, visible.length, -1, pickable),
    };
    if (event.key in moves) {
      event.preventDefault();
      setActive(moves[event.key]());
    } else if (event.key === "Enter") {
      event.preventDefault();
      pick(visible[active]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      onClose();
    }
  };

  const item = (entry: CatalogueEntry, showCategory: boolean) => {
    const index = visible.indexOf(entry);
    return (
      <MenuItem
        key={entry.operation}
        id={`${listId}-${index}`}
        entry={entry}
        engine={engine}
        active={index === active}
        showCategory={showCategory}
        onHover={() => pickable(entry) && setActive(index)}
        onPick={() => pick(entry)}
      />
    );
  };

  return (
    <div className="wb-menu" data-testid="wb-menu" onKeyDown={onKey}>
      <input
        className="wb-menu-search"
        data-testid="wb-menu-search"
        type="search"
        placeholder="Search transforms…"
        aria-label="Search transforms"
        aria-controls={listId}
        aria-activedescendant={active >= 0 ? `${listId}-${active}` : undefined}
        autoFocus
        value={query}
        onChange={(e) => search(e.target.value)}
      />
      <div className="wb-menu-list" id={listId} role="listbox" aria-label="Transforms">
        {visible.length === 0 && (
          <div className="wb-menu-empty" data-testid="wb-menu-empty">
            No transform matches “{query}”.
          </div>
        )}
        {groups
          ? groups.map((group) => <Group key={group.category} group={group} render={(entry) => item(entry, false)} />)
          : visible.map((entry) => item(entry, true))}
      </div>
    </div>
  );
}

function Group({ group, render }: { group: MenuGroup; render(entry: CatalogueEntry): JSX.Element }) {
  return (
    <div className="wb-menu-group" data-testid="wb-menu-group" data-category={group.category} role="group" aria-label={group.category}>
      <div className="wb-menu-group-title">{group.category}</div>
      {group.entries.map(render)}
    </div>
  );
}

interface MenuItemProps {
  id: string;
  entry: CatalogueEntry;
  engine: string;
  active: boolean;
  showCategory: boolean;
  onHover(): void;
  onPick(): void;
}

function MenuItem({ id, entry, engine, active, showCategory, onHover, onPick }: MenuItemProps) {
  const support = entry.engines[engine];
  const disabled = support?.supported === false;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (active) ref.current?.scrollIntoView?.({ block: "nearest" });
  }, [active]);
  const className = ["wb-menu-item", active ? "wb-menu-item-active" : "", disabled ? "wb-menu-item-disabled" : ""].join(" ").trim();
  return (
    <div
      ref={ref}
      id={id}
      className={className}
      data-testid="wb-menu-item"
      data-operation={entry.operation}
      role="option"
      aria-selected={active}
      aria-disabled={disabled || undefined}
      title={disabled ? `${entry.summary}\n\nNot available on ${engine}: ${support?.reason ?? ""}` : entry.summary}
      onMouseEnter={onHover}
      onMouseDown={(e) => e.preventDefault()}
      onClick={onPick}
    >
      <div className="wb-menu-item-name">
        {operationLabel(entry.operation)}
        {showCategory && <span className="wb-menu-item-category">{entry.category}</span>}
        {entry.extension && <span className="wb-badge">workbench</span>}
      </div>
      <div className="wb-menu-item-summary">
        <RichText text={entry.summary} />
      </div>
      {disabled && (
        <div className="wb-menu-reason" data-testid="wb-menu-reason">
          Not on {engine}: {support?.reason}
        </div>
      )}
    </div>
  );
}

/** The next item the keyboard may land on, or `from` when there is none that way. */
function nextPickable<T>(items: T[], from: number, step: 1 | -1, pickable: (item: T | undefined) => boolean): number {
  for (let i = from + step; i >= 0 && i < items.length; i += step) {
    if (pickable(items[i])) return i;
  }
  return from >= 0 && from < items.length ? from : -1;
}
