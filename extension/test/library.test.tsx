/** The library in the widget: publish form, open-from-library dialog, base line, newer notice, checks. */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App } from "../src/app";
import { BaseNotice, OpenDialog, PublishDialog, useLibraryWatch } from "../src/library";
import { byline, publishedAt } from "../src/library/format";
import type { LibraryState, LibraryVersion, Method } from "../src/protocol";
import { createRpc } from "../src/rpc";
import { FakeModel, type Answer } from "./helpers/fakeModel";
import { FAKE_PANELS } from "./helpers/fakePanels";
import { IDLE_JOB, makeRecipe, makeView } from "./helpers/frames";

const LIBRARY: LibraryState = {
  configured: true,
  url: "/team/library",
  hint: null,
  base: null,
  modified: false,
  newer: null,
  publishName: "sales",
  problem: null,
};

const V2: LibraryVersion = {
  name: "sales",
  version: "2.0",
  ref: "sales@2.0",
  digest: "sha256:bb",
  author: "bo",
  published: "2026-12-03T07:38:18.868795Z",
  message: "fill the gaps",
};

const VERSIONS = [
  { version: "2.0", published: V2.published, author: "bo", digest: "sha256:bb", message: "fill the gaps", deprecated: false },
  { version: "1.0", published: "2026-12-01T09:00:00.000000Z", author: "ana", digest: "sha256:aa", message: "first", deprecated: false },
];

const RECIPES = [
  { name: "sales", latest: "2.0", description: "Clean the sales export", tags: ["finance"], operations: ["UPPER_CASE"], columns: ["city"], published: V2.published, versions: 2, aliases: {} },
  { name: "orders", latest: "1.0", description: "", tags: [], operations: ["DELETE"], columns: ["units"], published: null, versions: 1, aliases: {} },
];

function kernel(method: Method, params: any): Answer {
  switch (method) {
    case "library_search":
      return { result: { recipes: RECIPES.filter((r) => !params.query || r.name.includes(params.query) || r.columns.includes(params.query)) } };
    case "library_versions":
      return { result: { name: params.name, latest: "2.0", versions: VERSIONS, aliases: {} } };
    case "library_diff":
      return {
        result: {
          from: "the current recipe",
          to: params.ref,
          changes: params.ref.endsWith("@1.0")
            ? []
            : [{ kind: "added", operation: "FILL_WITH_CUSTOM", step_id: "s2", old_position: null, new_position: 2, details: [], text: "step 2 (FILL_WITH_CUSTOM, id 's2'): added" }],
          text: "",
          version: V2,
        },
      };
    case "library_publish":
      if (params.name === "../x") return { error: { message: "'../x' is not a recipe name", parameter: null, column: null, suggestion: null } };
      return { result: { version: { ...V2, name: params.name, ref: `${params.name}@1.0`, version: "1.0", message: params.message } } };
    case "library_open":
      return { result: makeRecipe() as never };
    default:
      return { result: {} as never };
  }
}

function channel(answer = kernel) {
  const model = new FakeModel({}, answer);
  return { model, rpc: createRpc(model) };
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe("format", () => {
  it("says when and by whom", () => {
    expect(publishedAt("2026-12-03T07:38:18.868795Z")).toBe("2026-12-03 07:38 UTC");
    expect(publishedAt(null)).toBe("");
    expect(byline({ author: "bo", published: "2026-12-03T07:38:18Z" })).toBe("by bo, 2026-12-03 07:38 UTC");
    expect(byline({ author: null, published: null })).toBe("");
  });
});

describe("PublishDialog", () => {
  it("publishes with the default name and a message, then shows the version it got", async () => {
    const { model, rpc } = channel();
    render(<PublishDialog rpc={rpc} library={LIBRARY} onClose={vi.fn()} />);
    expect((screen.getByTestId("wb-publish-name") as HTMLInputElement).value).toBe("sales");
    fireEvent.change(screen.getByTestId("wb-publish-message"), { target: { value: "first cut" } });
    fireEvent.click(screen.getByTestId("wb-publish-submit"));
    const done = await screen.findByTestId("wb-publish-done");
    expect(done.textContent).toContain("sales@1.0");
    expect(done.textContent).toContain("first cut");
    expect(model.sent("library_publish")).toEqual([{ name: "sales", message: "first cut", force: false }]);
  });

  it("shows a refused name in words and keeps the form", async () => {
    const { rpc } = channel();
    render(<PublishDialog rpc={rpc} library={LIBRARY} onClose={vi.fn()} />);
    fireEvent.change(screen.getByTestId("wb-publish-name"), { target: { value: "../x" } });
    fireEvent.click(screen.getByTestId("wb-publish-submit"));
    expect((await screen.findByTestId("wb-publish-error")).textContent).toBe("'../x' is not a recipe name");
    expect(screen.queryByTestId("wb-publish-force")).toBeNull();
    expect(screen.getByTestId("wb-publish-name")).toBeTruthy();
  });

  it("offers to publish anyway when a newer version of the base was published meanwhile", async () => {
    let calls = 0;
    const { model, rpc } = channel((method, params) => {
      calls += 1;
      if (method === "library_publish" && !params.force)
        return { error: { message: "sales@2.0 was published by bo after sales@1.0", parameter: "force", column: null, suggestion: null } };
      return kernel(method, params);
    });
    render(<PublishDialog rpc={rpc} library={LIBRARY} onClose={vi.fn()} />);
    fireEvent.click(screen.getByTestId("wb-publish-submit"));
    expect((await screen.findByTestId("wb-publish-error")).textContent).toContain("sales@2.0 was published");
    fireEvent.click(screen.getByTestId("wb-publish-force"));
    await screen.findByTestId("wb-publish-done");
    expect(model.sent("library_publish").map((p) => p.force)).toEqual([false, true]);
    expect(calls).toBe(2);
  });

  it("needs a name", () => {
    const { rpc } = channel();
    render(<PublishDialog rpc={rpc} library={{ ...LIBRARY, publishName: "" }} onClose={vi.fn()} />);
    expect((screen.getByTestId("wb-publish-submit") as HTMLButtonElement).disabled).toBe(true);
  });

  it("says how to configure a library when there is none", () => {
    const { model, rpc } = channel();
    const hint = "No recipe library is configured: open the data with wb.open(data, library=URL)";
    render(<PublishDialog rpc={rpc} library={{ ...LIBRARY, configured: false, url: null, hint }} onClose={vi.fn()} />);
    expect(screen.getByTestId("wb-library-hint").textContent).toBe(hint);
    expect(screen.queryByTestId("wb-publish-submit")).toBeNull();
    expect(model.requests).toHaveLength(0);
  });
});

describe("OpenDialog", () => {
  it("searches, lists versions newest first, diffs the newest and opens the chosen version", async () => {
    const { model, rpc } = channel();
    const onClose = vi.fn();
    render(<OpenDialog rpc={rpc} library={LIBRARY} onClose={onClose} searchDelayMs={0} />);
    await waitFor(() => expect(screen.getAllByTestId("wb-library-recipe")).toHaveLength(2));
    fireEvent.change(screen.getByTestId("wb-library-search"), { target: { value: "units" } });
    await waitFor(() => expect(screen.getAllByTestId("wb-library-recipe").map((b) => b.dataset.name)).toEqual(["orders"]));
    fireEvent.change(screen.getByTestId("wb-library-search"), { target: { value: "sales" } });
    const recipe = await waitFor(() => {
      const found = screen.getAllByTestId("wb-library-recipe");
      expect(found.map((b) => b.dataset.name)).toEqual(["sales"]);
      return found[0];
    });
    fireEvent.click(recipe);
    await waitFor(() => expect(screen.getAllByTestId("wb-library-version").map((b) => b.dataset.version)).toEqual(["2.0", "1.0"]));
    const newest = screen.getAllByTestId("wb-library-version")[0];
    expect(newest.textContent).toContain("by bo, 2026-12-03 07:38 UTC");
    expect(newest.textContent).toContain("fill the gaps");
    const diff = await screen.findByTestId("wb-library-diff");
    await waitFor(() => expect(within(diff).getAllByTestId("wb-library-change")).toHaveLength(1));
    expect(within(diff).getByTestId("wb-library-change").dataset.kind).toBe("added");
    expect(diff.textContent).toContain("step 2 (FILL_WITH_CUSTOM");

    fireEvent.click(screen.getAllByTestId("wb-library-version")[1]);
    await waitFor(() => expect(screen.getByTestId("wb-library-diff").textContent).toContain("no changes"));
    fireEvent.click(screen.getByTestId("wb-library-open-version"));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(model.sent("library_search").map((p) => p.query)).toEqual(["", "units", "sales"]);
    expect(model.sent("library_diff").map((p) => p.ref)).toEqual(["sales@2.0", "sales@1.0"]);
    expect(model.sent("library_open")).toEqual([{ ref: "sales@1.0" }]);
  });

  it("opens on a given recipe and version (the newer notice's diff)", async () => {
    const { model, rpc } = channel();
    render(<OpenDialog rpc={rpc} library={LIBRARY} initial={{ name: "sales", version: "2.0" }} onClose={vi.fn()} searchDelayMs={0} />);
    await screen.findByTestId("wb-library-diff");
    expect(model.sent("library_diff")).toEqual([{ ref: "sales@2.0" }]);
    expect((screen.getByTestId("wb-library-search") as HTMLInputElement).value).toBe("sales");
  });

  it("shows what the kernel refused", async () => {
    const { rpc } = channel((method, params) =>
      method === "library_search"
        ? { error: { message: "library 's3://team/lib': could not list recipes: connection refused", parameter: null, column: null, suggestion: null } }
        : kernel(method, params),
    );
    render(<OpenDialog rpc={rpc} library={LIBRARY} onClose={vi.fn()} searchDelayMs={0} />);
    expect((await screen.findByTestId("wb-library-error")).textContent).toContain("connection refused");
    expect(screen.getByTestId("wb-library-none")).toBeTruthy();
  });
});

describe("BaseNotice", () => {
  it("shows the base, modified, and a newer version with its actions", () => {
    const onShowDiff = vi.fn();
    const onOpen = vi.fn();
    const base = { name: "sales", version: "1.0", digest: "sha256:aa", ref: "sales@1.0" };
    const { rerender } = render(<BaseNotice library={{ ...LIBRARY, base }} onShowDiff={onShowDiff} onOpen={onOpen} />);
    expect(screen.getByTestId("wb-library-base").textContent).toBe("Based on sales 1.0");
    expect(screen.queryByTestId("wb-library-modified")).toBeNull();
    expect(screen.queryByTestId("wb-library-newer")).toBeNull();
    rerender(<BaseNotice library={{ ...LIBRARY, base, modified: true, newer: V2 }} onShowDiff={onShowDiff} onOpen={onOpen} />);
    expect(screen.getByTestId("wb-library-base").textContent).toBe("Based on sales 1.0 · modified");
    const newer = screen.getByTestId("wb-library-newer");
    expect(newer.textContent).toContain("sales 2.0 is published (by bo, 2026-12-03 07:38 UTC): fill the gaps");
    fireEvent.click(within(newer).getByTestId("wb-library-newer-diff"));
    fireEvent.click(within(newer).getByTestId("wb-library-newer-open"));
    expect(onShowDiff).toHaveBeenCalledWith("sales", "2.0");
    expect(onOpen).toHaveBeenCalledWith("sales@2.0");
  });

  it("draws nothing without a base or a problem", () => {
    const { container } = render(<BaseNotice library={LIBRARY} onShowDiff={vi.fn()} onOpen={vi.fn()} />);
    expect(container.textContent).toBe("");
  });
});

function Watcher({ rpc, baseRef }: { rpc: ReturnType<typeof createRpc>; baseRef: string | null }) {
  useLibraryWatch(rpc, baseRef, 60_000, 1_000);
  return null;
}

describe("useLibraryWatch", () => {
  it("checks on focus and periodically while there is a base, at most once per gap", () => {
    vi.useFakeTimers();
    const { model, rpc } = channel();
    const { rerender } = render(<Watcher rpc={rpc} baseRef={null} />);
    act(() => {
      window.dispatchEvent(new Event("focus"));
      vi.advanceTimersByTime(120_000);
    });
    expect(model.sent("library_check")).toHaveLength(0);
    rerender(<Watcher rpc={rpc} baseRef="sales@1.0" />);
    act(() => {
      vi.advanceTimersByTime(2_000);
      window.dispatchEvent(new Event("focus"));
      window.dispatchEvent(new Event("focus"));
    });
    expect(model.sent("library_check")).toHaveLength(1);
    act(() => vi.advanceTimersByTime(60_000));
    expect(model.sent("library_check")).toHaveLength(2);
  });
});

describe("App: library", () => {
  function setup(library: LibraryState) {
    const model = new FakeModel(
      { view: makeView(), recipe: makeRecipe(), catalogue: { transforms: [], categories: [], conditions: [], types: [] }, job: IDLE_JOB, datasets: [], library },
      (method, params) => (method === "window" ? { result: { start: 0, stop: 0, revision: 1 } } : kernel(method, params)),
    );
    render(<App model={model} rpc={createRpc(model)} panels={FAKE_PANELS} />);
    return model;
  }

  it("opens the publish and library dialogs from the toolbar", async () => {
    setup(LIBRARY);
    expect(screen.getByTestId("wb-publish").title).toContain("/team/library");
    fireEvent.click(screen.getByTestId("wb-publish"));
    expect(screen.getByTestId("wb-publish-dialog")).toBeTruthy();
    fireEvent.keyDown(screen.getByTestId("wb-publish-dialog"), { key: "Escape" });
    fireEvent.click(screen.getByTestId("wb-library-open"));
    expect(await screen.findByTestId("wb-library-dialog")).toBeTruthy();
  });

  it("without a library, the buttons say how to configure one", () => {
    setup({ ...LIBRARY, configured: false, url: null, hint: "Set WORKBENCH_LIBRARY" });
    expect(screen.getByTestId("wb-library-open").title).toBe("Set WORKBENCH_LIBRARY");
    fireEvent.click(screen.getByTestId("wb-library-open"));
    expect(screen.getByTestId("wb-library-hint").textContent).toBe("Set WORKBENCH_LIBRARY");
  });

  it("the newer notice opens the version, or its diff in the library dialog", async () => {
    const base = { name: "sales", version: "1.0", digest: "sha256:aa", ref: "sales@1.0" };
    const model = setup({ ...LIBRARY, base, newer: V2 });
    fireEvent.click(screen.getByTestId("wb-library-newer-open"));
    await waitFor(() => expect(model.sent("library_open")).toEqual([{ ref: "sales@2.0" }]));
    fireEvent.click(screen.getByTestId("wb-library-newer-diff"));
    await screen.findByTestId("wb-library-diff");
    expect(model.sent("library_diff")).toEqual([{ ref: "sales@2.0" }]);
  });
});
