import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App } from "../src/app";
import { createRpc } from "../src/rpc";
import type { Method, PreviewInfo } from "../src/protocol";
import { FakeModel, type Answer } from "./helpers/fakeModel";
import { FAKE_PANELS, UPPER, UPPER_STEP } from "./helpers/fakePanels";
import { IDLE_JOB, PEOPLE_COLUMNS, makeRecipe, makeView, peopleWindow } from "./helpers/frames";

const PROFILE = {
  name: "price",
  logical_type: "double",
  semantic_type: "numeric",
  rows: 100,
  count: 90,
  missing: 10,
  min: 0,
  max: 148.5,
  mean: 74.25,
  q1: 37.5,
  median: 75,
  q3: 111,
  histogram: { edges: [0, 74.25, 148.5], counts: [45, 45] },
  top_values: [{ value: 1.5, count: 2 }],
  outliers: { zscore: 0, iqr: 1 },
  text_length: null,
  pii: null,
};

function answer(method: Method, params: any): Answer {
  switch (method) {
    case "window":
      return { result: { start: params.start, stop: params.stop, revision: 1 }, buffers: [peopleWindow(params.start, params.stop)] };
    case "profile":
      return { result: { ...PROFILE, name: params.column } };
    case "schema_at":
      return { result: { columns: [{ name: "id", type: "integer" }, { name: `before-${params.at}`, type: "string" }] } };
    case "export_recipe":
      return { result: { text: params.databrew ? '[{"Action":{}}]' : '{"steps":[]}' } };
    case "sample":
      return { result: makeView().sample };
    default:
      return { result: makeRecipe() as never };
  }
}

function setup(traits: Record<string, unknown> = {}) {
  const model = new FakeModel(
    { view: makeView(), recipe: makeRecipe(), catalogue: { transforms: [UPPER], categories: ["Format"], conditions: [], types: [] }, job: IDLE_JOB, datasets: ["lookup"], ...traits },
    answer,
  );
  const rpc = createRpc(model);
  const utils = render(<App model={model} rpc={rpc} panels={FAKE_PANELS} />);
  return { model, rpc, ...utils };
}

async function cellText(row: number, column: string): Promise<string> {
  const cell = await waitFor(() => {
    const found = document.querySelector(`[data-testid="wb-cell"][data-row="${row}"][data-column="${column}"]`);
    if (!found) throw new Error(`no cell ${row}/${column}`);
    return found;
  });
  return cell.textContent ?? "";
}

afterEach(cleanup);

describe("App: grid", () => {
  it("draws headers from the view and cells from the first window", async () => {
    const { model } = setup();
    const headers = screen.getAllByTestId("wb-header").map((h) => h.getAttribute("data-column"));
    expect(headers).toEqual(PEOPLE_COLUMNS.map((c) => c.name));
    expect(await cellText(0, "city")).toBe("city-0");
    expect(await cellText(2, "price")).toBe("3.0");
    expect(await cellText(3, "city")).toBe("null");
    expect(await cellText(1, "seen")).toBe("2024-01-01T00:00:01");
    expect(model.sent("window")).toEqual([{ start: 0, stop: 200, preview: false }]);
    expect(screen.getByTestId("wb-grid")).toBeTruthy();
    expect(screen.getByTestId("wb-sample-label").textContent).toBe("first 1,000 of 5,000 rows");
  });

  it("renders only a window of the rows", async () => {
    setup();
    await cellText(0, "id");
    const rows = new Set(screen.getAllByTestId("wb-cell").map((c) => Number(c.getAttribute("data-row"))));
    expect(rows.size).toBeGreaterThan(10);
    expect(rows.size).toBeLessThan(60);
  });

  it("shows the header bar, histogram or top values, and the PII lock", () => {
    const columns = [
      ...PEOPLE_COLUMNS.slice(0, 2),
      { name: "email", type: "string", profile: { ...PEOPLE_COLUMNS[1].profile!, pii: true } },
    ];
    setup({ view: makeView({ columns }) });
    const id = screen.getAllByTestId("wb-header")[0];
    const bar = within(id).getByTestId("wb-header-bar");
    expect((bar.children[0] as HTMLElement).style.width).toBe("90%");
    expect((bar.children[2] as HTMLElement).style.width).toBe("10%");
    expect(within(id).getByTestId("wb-header-hist").querySelectorAll("rect")).toHaveLength(2);
    const city = screen.getAllByTestId("wb-header")[1];
    expect(within(city).getByTestId("wb-header-hist").textContent).toContain("city-1");
    const email = screen.getAllByTestId("wb-header")[2];
    expect(within(email).getByTestId("wb-pii-badge")).toBeTruthy();
  });

  it("resizes a column by dragging its header's edge", async () => {
    setup();
    await cellText(0, "city");
    const city = screen.getAllByTestId("wb-header")[1];
    const before = parseFloat(city.style.width);
    const handle = within(city).getByTestId("wb-header-resize");
    fireEvent.mouseDown(handle, { clientX: 100 });
    fireEvent.mouseMove(window, { clientX: 160 });
    fireEvent.mouseUp(window);
    fireEvent.click(handle);
    expect(parseFloat(screen.getAllByTestId("wb-header")[1].style.width)).toBe(before + 60);
    const cell = document.querySelector('[data-testid="wb-cell"][data-row="0"][data-column="city"]') as HTMLElement;
    expect(parseFloat(cell.style.width)).toBe(before + 60);
    expect(screen.queryByTestId("wb-profile-panel")).toBeNull();
  });

  it("fetches again when the revision changes", async () => {
    const { model } = setup();
    await cellText(0, "id");
    act(() => model.set("view", makeView({ revision: 2 })));
    await waitFor(() => expect(model.sent("window")).toHaveLength(2));
  });

  it("opens the column profile when a header is clicked", async () => {
    const { model } = setup();
    fireEvent.click(screen.getAllByTestId("wb-header")[2]);
    const panel = await screen.findByTestId("wb-profile-panel");
    await waitFor(() => expect(within(panel).getByTestId("wb-profile-stats")).toBeTruthy());
    expect(model.sent("profile")).toEqual([{ column: "price" }]);
    expect(panel.textContent).toContain("148.5");
    expect(panel.textContent).toContain("Outliers");
    fireEvent.click(within(panel).getByLabelText("Close profile"));
    expect(screen.queryByTestId("wb-profile-panel")).toBeNull();
  });
});

describe("App: previews", () => {
  const cellsPreview: PreviewInfo = {
    mode: "cells",
    summary: "3 cells changed, 1 column added",
    rowsBefore: 1000,
    rowsAfter: 1000,
    addedColumns: ["shout"],
    removedColumns: [],
    changedColumns: ["city"],
    columns: [...PEOPLE_COLUMNS, { name: "shout", type: "string", profile: null }],
    rows: 1000,
  };

  it("highlights changed cells and added columns, with a banner", async () => {
    const model = new FakeModel(
      { view: makeView({ preview: cellsPreview }), recipe: makeRecipe(), catalogue: undefined, job: IDLE_JOB, datasets: [] },
      (method, params) =>
        method === "window"
          ? { result: { start: params.start, stop: params.stop, revision: 1, changed: { city: [1, 2] } }, buffers: [peopleWindow(params.start, params.stop, { shout: (r) => `CITY-${r}` })] }
          : answer(method, params),
    );
    render(<App model={model} rpc={createRpc(model)} panels={FAKE_PANELS} />);
    expect(screen.getByTestId("wb-preview-banner").textContent).toContain("3 cells changed, 1 column added");
    expect(await cellText(0, "shout")).toBe("CITY-0");
    const cell = (row: number, column: string) => document.querySelector(`[data-testid="wb-cell"][data-row="${row}"][data-column="${column}"]`)!;
    expect(cell(1, "city").classList.contains("wb-changed")).toBe(true);
    expect(cell(0, "city").classList.contains("wb-changed")).toBe(false);
    expect(cell(5, "shout").classList.contains("wb-changed")).toBe(true);
    expect(model.sent("window")[0]).toMatchObject({ preview: true });
  });

  it("strikes out the rows a filter removes", async () => {
    const rowsPreview: PreviewInfo = { ...cellsPreview, mode: "rows", summary: "2 rows removed", addedColumns: [], changedColumns: [], columns: PEOPLE_COLUMNS, rowsAfter: 998 };
    const model = new FakeModel(
      { view: makeView({ preview: rowsPreview }), recipe: makeRecipe(), job: IDLE_JOB, datasets: [] },
      (method, params) =>
        method === "window"
          ? { result: { start: params.start, stop: params.stop, revision: 1, removed: [4, 6] }, buffers: [peopleWindow(params.start, params.stop)] }
          : answer(method, params),
    );
    render(<App model={model} rpc={createRpc(model)} panels={FAKE_PANELS} />);
    await cellText(4, "id");
    const removed = [...document.querySelectorAll('[data-testid="wb-cell"].wb-removed')].map((c) => c.getAttribute("data-row"));
    expect(new Set(removed)).toEqual(new Set(["4", "6"]));
  });
});

describe("App: steps", () => {
  it("picks a transform, previews edits after a pause, and applies the step", async () => {
    const { model } = setup();
    fireEvent.click(screen.getByTestId("wb-menu-button"));
    expect(screen.getByTestId("fake-menu").getAttribute("data-engine")).toBe("pandas");
    fireEvent.click(screen.getByText("pick upper"));
    const form = await screen.findByTestId("fake-form");
    expect(screen.queryByTestId("fake-menu")).toBeNull();
    expect(form.getAttribute("data-columns")).toBe("id,city,price,active,seen");
    expect(form.getAttribute("data-datasets")).toBe("lookup");

    model.answer = (method, params) =>
      method === "preview"
        ? { result: { mode: "cells", summary: "city upper-cased", rowsBefore: 1, rowsAfter: 1, addedColumns: [], removedColumns: [], changedColumns: ["city"], columns: PEOPLE_COLUMNS, rows: 1 } }
        : answer(method, params);
    fireEvent.click(screen.getByText("form change"));
    fireEvent.click(screen.getByText("form change"));
    expect(model.sent("preview")).toHaveLength(0);
    await waitFor(() => expect(model.sent("preview")).toHaveLength(1), { timeout: 1500 });
    expect(model.sent("preview")[0]).toEqual({ step: UPPER_STEP });
    await waitFor(() => expect(screen.getByTestId("fake-form").getAttribute("data-preview")).toBe("city upper-cased"));

    fireEvent.click(screen.getByText("form apply"));
    await waitFor(() => expect(screen.queryByTestId("fake-form")).toBeNull());
    expect(model.sent("apply")).toEqual([{ step: UPPER_STEP }]);
  });

  it("shows a rejected preview's error on the form", async () => {
    const { model } = setup();
    fireEvent.click(screen.getByTestId("wb-menu-button"));
    fireEvent.click(screen.getByText("pick upper"));
    await screen.findByTestId("fake-form");
    model.answer = (method, params) =>
      method === "preview" || method === "apply"
        ? { error: { message: "no column citty", parameter: "sourceColumn", column: "citty", suggestion: "city" } }
        : answer(method, params);
    fireEvent.click(screen.getByText("form preview"));
    await waitFor(() => expect(screen.getByTestId("fake-form").getAttribute("data-errors")).toBe("sourceColumn:no column citty"));
    fireEvent.click(screen.getByText("form apply"));
    await waitFor(() => expect(model.sent("apply")).toHaveLength(1));
    expect(screen.getByTestId("fake-form")).toBeTruthy();
  });

  it("edits an existing step with the schema before it", async () => {
    const { model } = setup({ recipe: makeRecipe({ steps: [{ step: UPPER_STEP, description: "Upper-case city", status: "ok", error: null }] }) });
    fireEvent.click(screen.getByText("edit 0"));
    const form = await screen.findByTestId("fake-form");
    expect(model.sent("schema_at")).toEqual([{ at: 0 }]);
    expect(form.getAttribute("data-columns")).toBe("id,before-0");
    expect(JSON.parse(form.getAttribute("data-initial")!)).toEqual(UPPER_STEP);
    fireEvent.click(screen.getByText("form preview"));
    await waitFor(() => expect(model.sent("preview")).toEqual([{ step: UPPER_STEP, at: 0 }]));
    fireEvent.click(screen.getByText("form apply"));
    await waitFor(() => expect(model.sent("edit")).toEqual([{ index: 0, step: UPPER_STEP }]));
  });

  it("inserts a step at a position", async () => {
    const { model } = setup();
    fireEvent.click(screen.getByText("insert at 1"));
    fireEvent.click(screen.getByText("pick upper"));
    await screen.findByTestId("fake-form");
    expect(model.sent("schema_at")).toEqual([{ at: 1 }]);
    fireEvent.click(screen.getByText("form apply"));
    await waitFor(() => expect(model.sent("apply")).toEqual([{ step: UPPER_STEP, at: 1 }]));
  });

  it("leaves preview mode on cancel", async () => {
    const { model } = setup();
    fireEvent.click(screen.getByTestId("wb-menu-button"));
    fireEvent.click(screen.getByText("pick upper"));
    await screen.findByTestId("fake-form");
    fireEvent.click(screen.getByText("form cancel"));
    expect(screen.queryByTestId("fake-form")).toBeNull();
    await waitFor(() => expect(model.sent("clear_preview")).toHaveLength(1));
  });

  it("forwards recipe panel actions", async () => {
    const { model } = setup();
    fireEvent.click(screen.getByText("toggle 0"));
    fireEvent.click(screen.getByText("delete 0"));
    fireEvent.click(screen.getByText("move 0 to 1"));
    await waitFor(() => expect(model.sent("move")).toEqual([{ index: 0, to: 1 }]));
    expect(model.sent("toggle")).toEqual([{ index: 0 }]);
    expect(model.sent("delete")).toEqual([{ index: 0 }]);
  });
});

describe("App: toolbar", () => {
  it("resamples with the chosen mode, size and seed", async () => {
    const { model } = setup();
    fireEvent.change(screen.getByTestId("wb-sample-mode"), { target: { value: "RANDOM" } });
    fireEvent.change(screen.getByTestId("wb-sample-size"), { target: { value: "250" } });
    fireEvent.change(screen.getByTestId("wb-sample-seed"), { target: { value: "7" } });
    fireEvent.click(screen.getByTestId("wb-sample-apply"));
    await waitFor(() => expect(model.sent("sample")).toEqual([{ mode: "RANDOM", size: 250, seed: 7 }]));
  });

  it("keeps the size field usable while the whole frame is shown", async () => {
    const full = makeView({ sample: { mode: "FULL", size: 1000, seed: null, totalRows: 1000, label: "all 1,000 rows" } });
    const { model } = setup({ view: full });
    const size = screen.getByTestId("wb-sample-size") as HTMLInputElement;
    expect(size.disabled).toBe(false);
    fireEvent.change(size, { target: { value: "100" } });
    fireEvent.change(screen.getByTestId("wb-sample-mode"), { target: { value: "LAST_N" } });
    fireEvent.click(screen.getByTestId("wb-sample-apply"));
    await waitFor(() => expect(model.sent("sample")).toEqual([{ mode: "LAST_N", size: 100, seed: null }]));
  });

  it("undoes and redoes from the buttons and the keyboard, not from text fields", async () => {
    const { model } = setup({ recipe: makeRecipe({ canUndo: true, canRedo: true }) });
    fireEvent.click(screen.getByTestId("wb-undo"));
    fireEvent.click(screen.getByTestId("wb-redo"));
    const root = screen.getByTestId("wb-root");
    fireEvent.keyDown(root, { key: "z", ctrlKey: true });
    fireEvent.keyDown(root, { key: "z", metaKey: true, shiftKey: true });
    fireEvent.keyDown(root, { key: "y", ctrlKey: true });
    fireEvent.keyDown(screen.getByTestId("wb-sample-size"), { key: "z", ctrlKey: true });
    await waitFor(() => expect(model.sent("redo")).toHaveLength(3));
    expect(model.sent("undo")).toHaveLength(2);
  });

  it("disables undo and redo when there is nothing to take back", () => {
    setup();
    expect((screen.getByTestId("wb-undo") as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId("wb-redo") as HTMLButtonElement).disabled).toBe(true);
  });

  it("exports the recipe as native or DataBrew JSON", async () => {
    const { model } = setup();
    fireEvent.click(screen.getByTestId("wb-export"));
    await waitFor(() => expect((screen.getByTestId("wb-export-text") as HTMLTextAreaElement).value).toBe('{"steps":[]}'));
    fireEvent.click(screen.getByTestId("wb-export-databrew"));
    await waitFor(() => expect((screen.getByTestId("wb-export-text") as HTMLTextAreaElement).value).toBe('[{"Action":{}}]'));
    expect(model.sent("export_recipe")).toEqual([{ databrew: false }, { databrew: true }]);
  });

  it("imports a pasted recipe and shows why one is refused", async () => {
    const { model } = setup();
    fireEvent.click(screen.getByTestId("wb-import"));
    model.answer = (method, params) =>
      method === "import_recipe" && params.text === "bad"
        ? { error: { message: "not a recipe", parameter: null, column: null, suggestion: null } }
        : answer(method, params);
    fireEvent.change(screen.getByTestId("wb-import-text"), { target: { value: "bad" } });
    fireEvent.click(screen.getByTestId("wb-import-submit"));
    expect((await screen.findByTestId("wb-import-error")).textContent).toBe("not a recipe");
    fireEvent.change(screen.getByTestId("wb-import-text"), { target: { value: '{"steps": []}' } });
    fireEvent.click(screen.getByTestId("wb-import-submit"));
    await waitFor(() => expect(screen.queryByTestId("wb-import-dialog")).toBeNull());
    expect(model.sent("import_recipe").map((p) => p.text)).toEqual(["bad", '{"steps": []}']);
  });

  it("runs on the full data and follows the job", async () => {
    const { model } = setup();
    fireEvent.click(screen.getByTestId("wb-run-button"));
    const panel = screen.getByTestId("wb-run-panel");
    fireEvent.change(within(panel).getByTestId("wb-run-engine"), { target: { value: "spark" } });
    fireEvent.change(within(panel).getByTestId("wb-run-remote"), { target: { value: "sc://spark:15002" } });
    fireEvent.change(within(panel).getByTestId("wb-run-output"), { target: { value: "out/people.parquet" } });
    fireEvent.click(within(panel).getByTestId("wb-run-overwrite"));
    fireEvent.click(within(panel).getByTestId("wb-run-start"));
    await waitFor(() =>
      expect(model.sent("run")).toEqual([{ engine: "spark", remote: "sc://spark:15002", output: "out/people.parquet", overwrite: true }]),
    );
    act(() => model.set("job", { state: "running", progress: 0.4, message: "step 2 of 5", summary: null }));
    expect(screen.getByTestId("wb-job-status").textContent).toContain("step 2 of 5");
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("40");
    act(() => model.set("job", { state: "done", progress: 1, message: "done", summary: { rows_out: 1234, seconds: 2.5 } }));
    expect(screen.getByTestId("wb-job-status").textContent).toContain("1,234");
    fireEvent.click(screen.getByTestId("wb-menu-button"));
    expect(screen.getByTestId("fake-menu").getAttribute("data-engine")).toBe("spark");
  });
});
