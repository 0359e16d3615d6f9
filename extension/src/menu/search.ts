/** Which transforms the menu shows, in which order. Pure. */
import type { Catalogue, CatalogueEntry } from "../protocol";
import { operationLabel } from "../forms/labels";

export interface MenuGroup {
  category: string;
  entries: CatalogueEntry[];
}

/** Every transform under its category, in the catalogue's category order; empty categories are left out. */
export function groupByCategory(catalogue: Catalogue): MenuGroup[] {
  const known = new Set(catalogue.categories);
  const order = [...catalogue.categories, ...unique(catalogue.transforms.map((t) => t.category).filter((c) => !known.has(c)))];
  return order
    .map((category) => ({ category, entries: catalogue.transforms.filter((t) => t.category === category) }))
    .filter((group) => group.entries.length > 0);
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** "upper_case", "Upper case" and "UPPER CASE" all read the same. */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[_\s]+/g, " ")
    .trim();
}

/** Lower rank is better; null means no match. */
function rank(entry: CatalogueEntry, query: string): number | null {
  const name = normalise(operationLabel(entry.operation));
  if (name.startsWith(query)) return 0;
  if (name.includes(query)) return 1;
  if (normalise(entry.summary).includes(query)) return 2;
  if (normalise(entry.category).includes(query)) return 3;
  return null;
}

/** Transforms matching the query by name, summary or category: name matches first, then catalogue order. */
export function searchTransforms(catalogue: Catalogue, query: string): CatalogueEntry[] {
  const wanted = normalise(query);
  const ordered = groupByCategory(catalogue).flatMap((group) => group.entries);
  if (!wanted) return ordered;
  return ordered
    .map((entry, index) => ({ entry, index, rank: rank(entry, wanted) }))
    .filter((hit): hit is { entry: CatalogueEntry; index: number; rank: number } => hit.rank !== null)
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((hit) => hit.entry);
}

export function isPickable(entry: CatalogueEntry, engine: string): boolean {
  return entry.engines[engine]?.supported !== false;
}
