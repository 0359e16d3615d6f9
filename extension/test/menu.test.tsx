/** The transform menu: categories, search, keyboard, and transforms the engine cannot run. */
import { fireEvent, render, within } from "@testing-library/react";
import { TransformMenu } from "../src/menu/TransformMenu";
import { groupByCategory, searchTransforms } from "../src/menu/search";
import type { Catalogue } from "../src/protocol";
import { catalogue } from "./formsFixture";

/** The fixture with SORT declared impossible on Spark. */
const withUnsupported: Catalogue = {
  ...catalogue,
  transforms: catalogue.transforms.map((entry) =>
    entry.operation === "SORT"
      ? { ...entry, engines: { ...entry.engines, spark: { supported: false, reason: "needs a total order" } } }
      : entry,
  ),
};

function renderMenu(engine = "pandas", source: Catalogue = catalogue) {
  const onPick = vi.fn();
  const onClose = vi.fn();
  const view = render(<TransformMenu catalogue={source} engine={engine} onPick={onPick} onClose={onClose} />);
  const items = () => view.getAllByTestId("wb-menu-item");
  const operations = () => items().map((item) => item.dataset.operation);
  const search = (text: string) => fireEvent.change(view.getByTestId("wb-menu-search"), { target: { value: text } });
  const key = (name: string) => fireEvent.keyDown(view.getByTestId("wb-menu-search"), { key: name });
  const active = () => items().find((item) => item.getAttribute("aria-selected") === "true")?.dataset.operation;
  return { ...view, onPick, onClose, items, operations, search, key, active };
}

test("every transform, grouped by category in the catalogue's order", () => {
  const menu = renderMenu();
  const groups = menu.getAllByTestId("wb-menu-group").map((g) => g.dataset.category);
  const used = new Set(catalogue.transforms.map((t) => t.category));
  expect(groups).toEqual(catalogue.categories.filter((c) => used.has(c)));
  expect(menu.items()).toHaveLength(catalogue.transforms.length);
  const sortGroup = menu.getAllByTestId("wb-menu-group").find((g) => g.dataset.category === "Sort")!;
  expect(
    within(sortGroup)
      .getAllByTestId("wb-menu-item")
      .map((i) => i.dataset.operation),
  ).toEqual(["SORT"]);
});

test("items show a readable name and the summary", () => {
  const menu = renderMenu();
  const upper = menu.items().find((item) => item.dataset.operation === "UPPER_CASE")!;
  expect(upper.textContent).toContain("Upper case");
  const summary = catalogue.transforms.find((t) => t.operation === "UPPER_CASE")!.summary;
  expect(upper.getAttribute("title")).toBe(summary);
  expect(upper.textContent).toContain(summary);
});

test("search filters by name, summary and category, case-insensitively, name matches first", () => {
  const menu = renderMenu();
  menu.search("upper");
  expect(menu.operations()[0]).toBe("UPPER_CASE");
  menu.search("UPPER_CASE");
  expect(menu.operations()).toEqual(["UPPER_CASE"]);
  menu.search("outlier");
  expect(menu.operations().slice(0, 2).sort()).toEqual(["FLAG_OUTLIERS", "REMOVE_OUTLIERS"]);
  menu.search("date and time"); // a category
  expect(menu.operations()).toEqual(expect.arrayContaining(["DATE_ADD", "DATE_FORMAT"]));
  expect(menu.queryAllByTestId("wb-menu-group")).toEqual([]); // results are one ranked list
  menu.search("zzz-no-such");
  expect(menu.queryAllByTestId("wb-menu-item")).toEqual([]);
  expect(menu.getByTestId("wb-menu-empty")).toBeTruthy();
});

test("ranking: names that start with the query, then names containing it, then summaries", () => {
  const ranked = searchTransforms(catalogue, "date").map((t) => t.operation);
  const starting = ranked.filter((op) => op.startsWith("DATE"));
  expect(starting).toEqual(expect.arrayContaining(["DATE", "DATE_ADD", "DATE_FORMAT"]));
  expect(ranked.slice(0, starting.length)).toEqual(starting);
  expect(starting).toEqual([...starting].sort());
  expect(ranked.indexOf("FORMAT_DATE")).toBeGreaterThan(starting.length - 1);
  const summaryOnly = ranked.filter((op) => !op.includes("DATE"));
  for (const op of summaryOnly) expect(ranked.indexOf(op)).toBeGreaterThan(ranked.indexOf("FORMAT_DATE"));
});

test("arrows move, Enter picks, Escape closes", () => {
  const menu = renderMenu();
  const order = groupByCategory(catalogue).flatMap((g) => g.entries.map((e) => e.operation));
  expect(menu.active()).toBe(order[0]);
  menu.key("ArrowDown");
  menu.key("ArrowDown");
  expect(menu.active()).toBe(order[2]);
  menu.key("ArrowUp");
  expect(menu.active()).toBe(order[1]);
  menu.key("End");
  expect(menu.active()).toBe(order[order.length - 1]);
  menu.search("upper");
  expect(menu.active()).toBe("UPPER_CASE");
  menu.key("Enter");
  expect(menu.onPick).toHaveBeenCalledWith(expect.objectContaining({ operation: "UPPER_CASE" }));
  menu.key("Escape");
  expect(menu.onClose).toHaveBeenCalled();
});

test("clicking an item picks it", () => {
  const menu = renderMenu();
  fireEvent.click(menu.items().find((i) => i.dataset.operation === "GROUP_BY")!);
  expect(menu.onPick).toHaveBeenCalledWith(expect.objectContaining({ operation: "GROUP_BY" }));
});

test("a transform the engine cannot run is greyed, explains why, and cannot be picked", () => {
  const menu = renderMenu("spark", withUnsupported);
  const sort = menu.items().find((item) => item.dataset.operation === "SORT")!;
  expect(sort.getAttribute("aria-disabled")).toBe("true");
  expect(within(sort).getByTestId("wb-menu-reason").textContent).toContain("needs a total order");
  fireEvent.click(sort);
  expect(menu.onPick).not.toHaveBeenCalled();
  menu.search("sort");
  expect(menu.operations()[0]).toBe("SORT");
  expect(menu.active()).not.toBe("SORT"); // the keyboard skips it
  menu.key("Enter");
  expect(menu.onPick).not.toHaveBeenCalledWith(expect.objectContaining({ operation: "SORT" }));
  menu.unmount();

  const pandas = renderMenu("pandas", withUnsupported);
  const sortOnPandas = pandas.items().find((item) => item.dataset.operation === "SORT")!;
  expect(sortOnPandas.getAttribute("aria-disabled")).toBeNull();
});
