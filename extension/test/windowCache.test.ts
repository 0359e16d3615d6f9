import { BLOCK_ROWS, BlockCache, MAX_BLOCKS, blockBounds, blocksCovering, toBlock, type Block } from "../src/grid/windowCache";
import { EMPTY_WINDOW } from "../src/grid/arrow";
import { peopleWindow } from "./helpers/frames";

function fakeBlock(start: number, stop: number): Block {
  return { start, stop, window: EMPTY_WINDOW, changed: new Map(), removed: new Set() };
}

/** A fetcher whose answers the test releases by hand. */
function controlledFetch() {
  const calls: { start: number; stop: number; resolve(): void; reject(e: Error): void }[] = [];
  const fetch = (start: number, stop: number) =>
    new Promise<Block>((resolve, reject) => {
      calls.push({ start, stop, resolve: () => resolve(fakeBlock(start, stop)), reject });
    });
  return { calls, fetch };
}

describe("block math", () => {
  it("finds the blocks a row range touches", () => {
    expect(blocksCovering(0, 30, 1000, 200)).toEqual([0]);
    expect(blocksCovering(190, 230, 1000, 200)).toEqual([0, 1]);
    expect(blocksCovering(950, 2000, 1000, 200)).toEqual([4]);
    expect(blocksCovering(-10, 5, 1000, 200)).toEqual([0]);
    expect(blocksCovering(10, 10, 1000, 200)).toEqual([]);
    expect(blocksCovering(0, 30, 0, 200)).toEqual([]);
  });

  it("clips the last block to the frame", () => {
    expect(blockBounds(0, 1000, 200)).toEqual({ start: 0, stop: 200 });
    expect(blockBounds(4, 950, 200)).toEqual({ start: 800, stop: 950 });
    expect(BLOCK_ROWS).toBe(200);
  });

  it("turns a window response into absolute changed and removed rows", () => {
    const block = toBlock({ start: 400, stop: 600, revision: 3, changed: { city: [0, 5] }, removed: [2] }, [peopleWindow(400, 600)]);
    expect(block.window.rows).toBe(200);
    expect([...block.changed.get("city")!]).toEqual([400, 405]);
    expect([...block.removed]).toEqual([402]);
    expect(block.window.column("city")!.cell(0).text).toBe("city-400");
  });

  it("treats a response without a buffer as no rows", () => {
    expect(toBlock({ start: 0, stop: 0, revision: 1 }, []).window.rows).toBe(0);
  });
});

describe("BlockCache", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("fetches the first screen at once, later ones after scrolling pauses", async () => {
    const { calls, fetch } = controlledFetch();
    const loaded = vi.fn();
    const cache = new BlockCache(loaded, undefined, 80, 200);
    cache.setSource("r1", fetch);
    cache.request(0, 40, 1000);
    expect(calls.map((c) => c.start)).toEqual([0]);
    calls[0].resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(loaded).toHaveBeenCalledTimes(1);
    expect(cache.rowAt(10)).toMatchObject({ stale: false, block: { start: 0, stop: 200 } });

    cache.request(300, 340, 1000);
    cache.request(500, 540, 1000);
    cache.request(610, 650, 1000);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(80);
    expect(calls.map((c) => c.start)).toEqual([0, 600]);
  });

  it("asks for each block once while it is on its way", async () => {
    const { calls, fetch } = controlledFetch();
    const cache = new BlockCache(() => {}, undefined, 80, 200);
    cache.setSource("r1", fetch);
    cache.request(150, 250, 1000);
    cache.request(150, 250, 1000);
    await vi.advanceTimersByTimeAsync(200);
    expect(calls.map((c) => c.start)).toEqual([0, 200]);
  });

  it("keeps old rows, marked stale, after the source changes, and ignores late answers for the old source", async () => {
    const { calls, fetch } = controlledFetch();
    const loaded = vi.fn();
    const cache = new BlockCache(loaded, undefined, 80, 200);
    cache.setSource("r1", fetch);
    cache.request(0, 40, 1000);
    calls[0].resolve();
    await flushTimers();
    cache.request(200, 240, 1000);
    await vi.advanceTimersByTimeAsync(80);
    expect(calls).toHaveLength(2);

    cache.setSource("r2", fetch);
    expect(cache.rowAt(5)).toMatchObject({ stale: true });
    calls[1].resolve(); // rows 200.. of revision r1 arrive too late
    await flushTimers();
    expect(cache.rowAt(205)).toBeNull();

    cache.request(0, 40, 1000);
    expect(calls).toHaveLength(3);
    calls[2].resolve();
    await flushTimers();
    expect(cache.rowAt(5)).toMatchObject({ stale: false });
  });

  it("comes back to a source it has seen without fetching it again", async () => {
    const { calls, fetch } = controlledFetch();
    const cache = new BlockCache(() => {}, undefined, 80, 200);
    cache.setSource("live", fetch);
    cache.request(0, 40, 1000);
    calls[0].resolve();
    await flushTimers();
    cache.setSource("preview", fetch);
    cache.request(0, 40, 1000);
    calls[1].resolve();
    await flushTimers();
    cache.setSource("live", fetch);
    expect(cache.rowAt(5)).toMatchObject({ stale: false });
    cache.request(0, 40, 1000);
    expect(calls).toHaveLength(2);
  });

  it("reports a failed fetch and tries again on the next request", async () => {
    const { calls, fetch } = controlledFetch();
    const failed = vi.fn();
    const cache = new BlockCache(() => {}, failed, 80, 200);
    cache.setSource("r1", fetch);
    cache.request(0, 40, 1000);
    calls[0].reject(new Error("kernel busy"));
    await flushTimers();
    expect(failed).toHaveBeenCalledWith(expect.objectContaining({ message: "kernel busy" }));
    cache.request(0, 40, 1000);
    expect(calls).toHaveLength(2);
  });

  it("drops the blocks farthest from where the user is", async () => {
    const fetch = (start: number, stop: number) => Promise.resolve(fakeBlock(start, stop));
    const cache = new BlockCache(() => {}, undefined, 0, 10);
    cache.setSource("r1", fetch);
    const rows = (MAX_BLOCKS + 5) * 10;
    for (let b = 0; b < MAX_BLOCKS + 5; b++) {
      cache.request(b * 10, b * 10 + 1, rows);
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(cache.rowAt(0)).toBeNull();
    expect(cache.rowAt(rows - 1)).not.toBeNull();
  });

  async function flushTimers() {
    await vi.advanceTimersByTimeAsync(0);
  }
});
