import type { Requests } from "../protocol";
import { decodeWindow, EMPTY_WINDOW, type DecodedWindow } from "./arrow";

/** Rows fetched per request: a screenful is ~30 rows, so one block covers several scroll steps. */
export const BLOCK_ROWS = 200;
/** Blocks kept per source; the ones farthest from the last request are dropped first. */
export const MAX_BLOCKS = 60;
/**
 * Sources whose blocks are kept: showing a preview and leaving it again switches between two
 * sources of the same revision, and coming back to one should not fetch it again.
 */
export const KEPT_SOURCES = 3;

/** A fetched run of rows, with its preview marks as absolute row indexes. */
export interface Block {
  start: number;
  stop: number;
  window: DecodedWindow;
  changed: Map<string, Set<number>>;
  removed: Set<number>;
}

/** Indexes of the blocks holding rows [first, last), clipped to the frame. */
export function blocksCovering(first: number, last: number, rows: number, blockRows = BLOCK_ROWS): number[] {
  const from = Math.max(0, first);
  const to = Math.min(rows, last);
  if (to <= from) return [];
  const indexes: number[] = [];
  for (let b = Math.floor(from / blockRows); b * blockRows < to; b++) indexes.push(b);
  return indexes;
}

/** Rows [start, stop) of block `index`. */
export function blockBounds(index: number, rows: number, blockRows = BLOCK_ROWS): { start: number; stop: number } {
  const start = index * blockRows;
  return { start, stop: Math.min(rows, start + blockRows) };
}

type WindowResult = Requests["window"]["result"];

/** A `window` response as a block: decode the Arrow buffer, make the offsets absolute. */
export function toBlock(result: WindowResult, buffers: DataView[]): Block {
  const window = buffers.length > 0 && buffers[0].byteLength > 0 ? decodeWindow(buffers[0]) : EMPTY_WINDOW;
  const absolute = (offsets: number[] | undefined) => new Set((offsets ?? []).map((o) => result.start + o));
  const changed = new Map<string, Set<number>>();
  for (const [column, offsets] of Object.entries(result.changed ?? {})) changed.set(column, absolute(offsets));
  return { start: result.start, stop: result.stop, window, changed, removed: absolute(result.removed) };
}

export type FetchBlock = (start: number, stop: number) => Promise<Block>;

export interface CachedRow {
  block: Block;
  /** From the previous source (before a revision or preview change), shown until fresh rows land. */
  stale: boolean;
}

/**
 * Row blocks of one source (a revision of the live frame, or one preview), fetched on demand.
 * Requests made while scrolling wait until scrolling pauses, except the very first, so the
 * grid paints as soon as possible.
 */
export class BlockCache {
  private key: string | null = null;
  private fetchBlock: FetchBlock | null = null;
  private blocks = new Map<number, Block>();
  /** Read only: the same map may also be kept for its own source. */
  private stale = new Map<number, Block>();
  private kept = new Map<string, Map<number, Block>>();
  private inflight = new Set<number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private wanted: { first: number; last: number; rows: number } | null = null;

  constructor(
    private readonly onLoaded: () => void,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly delayMs = 80,
    private readonly blockRows = BLOCK_ROWS,
  ) {}

  /** Switch to another source; the old rows stay visible (marked stale) until replaced. */
  setSource(key: string, fetchBlock: FetchBlock): void {
    this.fetchBlock = fetchBlock;
    if (key === this.key) return;
    if (this.key !== null && this.blocks.size > 0) this.keep(this.key, this.blocks);
    this.key = key;
    this.stale = this.blocks.size > 0 ? this.blocks : this.stale;
    this.blocks = this.kept.get(key) ?? new Map();
    this.kept.delete(key);
    this.inflight.clear();
    this.cancelTimer();
  }

  private keep(key: string, blocks: Map<number, Block>): void {
    this.kept.delete(key);
    this.kept.set(key, blocks);
    while (this.kept.size > KEPT_SOURCES - 1) this.kept.delete(this.kept.keys().next().value as string);
  }

  rowAt(row: number): CachedRow | null {
    const index = Math.floor(row / this.blockRows);
    const fresh = this.blocks.get(index);
    if (fresh && row < fresh.stop) return { block: fresh, stale: false };
    const old = this.stale.get(index);
    if (old && row >= old.start && row < old.stop) return { block: old, stale: true };
    return null;
  }

  /** Make rows [first, last) available, now if nothing is loaded yet, else once scrolling pauses. */
  request(first: number, last: number, rows: number): void {
    this.wanted = { first, last, rows };
    if (this.missing().length === 0) return;
    if (this.blocks.size === 0 && this.inflight.size === 0) {
      this.fetchMissing();
      return;
    }
    this.cancelTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.fetchMissing();
    }, this.delayMs);
  }

  dispose(): void {
    this.cancelTimer();
    this.key = null;
    this.blocks.clear();
    this.stale.clear();
    this.kept.clear();
    this.inflight.clear();
  }

  private missing(): number[] {
    if (!this.wanted) return [];
    const { first, last, rows } = this.wanted;
    return blocksCovering(first, last, rows, this.blockRows).filter((b) => !this.blocks.has(b) && !this.inflight.has(b));
  }

  private fetchMissing(): void {
    const fetchBlock = this.fetchBlock;
    const rows = this.wanted?.rows ?? 0;
    if (!fetchBlock) return;
    for (const index of this.missing()) {
      const key = this.key;
      const { start, stop } = blockBounds(index, rows, this.blockRows);
      this.inflight.add(index);
      fetchBlock(start, stop).then(
        (block) => {
          if (key !== this.key) return;
          this.inflight.delete(index);
          this.blocks.set(index, block);
          this.evictFarFrom(index);
          this.onLoaded();
        },
        (error) => {
          if (key !== this.key) return;
          this.inflight.delete(index);
          this.onError(error);
        },
      );
    }
  }

  private evictFarFrom(index: number): void {
    if (this.blocks.size <= MAX_BLOCKS) return;
    const byDistance = [...this.blocks.keys()].sort((a, b) => Math.abs(b - index) - Math.abs(a - index));
    for (const far of byDistance.slice(0, this.blocks.size - MAX_BLOCKS)) this.blocks.delete(far);
  }

  private cancelTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
