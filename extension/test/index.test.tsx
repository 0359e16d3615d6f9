import { act, waitFor } from "@testing-library/react";
import widget from "../src/index";
import { FakeModel } from "./helpers/fakeModel";
import { IDLE_JOB, makeRecipe, makeView, peopleWindow } from "./helpers/frames";

describe("anywidget entry", () => {
  it("renders the app into the element and cleans up after itself", async () => {
    const model = new FakeModel(
      { view: makeView(), recipe: makeRecipe(), catalogue: { transforms: [], categories: [], conditions: [], types: [] }, job: IDLE_JOB, datasets: [] },
      (method, params) =>
        method === "window"
          ? { result: { start: params.start, stop: params.stop, revision: 1 }, buffers: [peopleWindow(params.start, params.stop)] }
          : { result: {} as never },
    );
    const el = document.createElement("div");
    document.body.appendChild(el);
    let cleanup: () => void = () => {};
    await act(async () => {
      cleanup = widget.render({ model: model as never, el });
    });
    expect(el.querySelector('[data-testid="wb-root"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="wb-recipe-panel"]')).not.toBeNull();
    expect(el.querySelector("style")).not.toBeNull();
    await waitFor(() => expect(el.querySelector('[data-testid="wb-cell"]')).not.toBeNull());
    expect(model.listeners("msg:custom")).toBe(1);

    act(() => cleanup());
    expect(model.listeners("msg:custom")).toBe(0);
    expect(model.listeners("change:view")).toBe(0);
    expect(el.childElementCount).toBe(0);
    el.remove();
  });
});
