/** Words for library versions: when a version was published, and who published it why. */
import type { LibraryVersion, LibraryVersionEntry } from "../protocol";

/** "2026-12-03T07:38:18.868795Z" -> "2026-12-03 07:38 UTC"; anything else is shown as it is. */
export function publishedAt(published: string | null | undefined): string {
  if (!published) return "";
  const found = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(published);
  return found ? `${found[1]} ${found[2]} UTC` : published;
}

/** "by ana, 2026-12-03 07:38 UTC": who and when, leaving out what is unknown. */
export function byline(version: Pick<LibraryVersion | LibraryVersionEntry, "author" | "published">): string {
  const parts = [version.author ? `by ${version.author}` : "", publishedAt(version.published)].filter(Boolean);
  return parts.join(", ");
}

/** A kernel error that a newer version of the base was published (publishing again needs `force`). */
export function isStaleBase(parameter: string | null | undefined): boolean {
  return parameter === "force";
}
