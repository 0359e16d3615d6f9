import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { NestedTree, NestedValuePanel, nestedCellAt, type OpenedCell } from "../src/grid/NestedValue";

afterEach(cleanup);

const ORDER = { id: 7, customer: { name: "Zoë", tags: ["vip", null] }, lines: [], note: null };

function Cells() {
  const [opened, setOpened] = useState<OpenedCell | null>(null);
  return (
    <div className="wb-root">
      <div onClick={(event) => setOpened(nestedCellAt(event))}>
        <div className="wb-cell wb-kind-nested" data-testid="nested" data-row="4" data-column="order">
          {JSON.stringify(ORDER)}
        </div>
        <div className="wb-cell wb-kind-nested" data-testid="binary" data-row="5" data-column="blob">
          {"<3 bytes>"}
        </div>
        <div className="wb-cell wb-kind-text" data-testid="text" data-row="4" data-column="city">
          {"[1]"}
        </div>
      </div>
      {opened ? <NestedValuePanel cell={opened} top={0} left={0} onClose={() => setOpened(null)} /> : null}
    </div>
  );
}

describe("nested values", () => {
  it("folds objects and arrays, counting their fields and items", () => {
    render(<NestedTree value={ORDER} />);
    const summaries = [...document.querySelectorAll("summary")].map((s) => s.textContent);
    expect(summaries).toEqual(["{4 fields}", "customer: {2 fields}", "tags: [2 items]", "lines: [0 items]"]);
    expect(screen.getByText('"Zoë"').className).toBe("wb-tree-string");
    expect(screen.getByText("7").className).toBe("wb-tree-number");
    expect(screen.getAllByText("null").map((n) => n.className)).toEqual(["wb-tree-null", "wb-tree-null"]);
    const depths = [...document.querySelectorAll("details")].map((d) => d.open);
    expect(depths).toEqual([true, true, false, true]);
  });

  it("opens a nested cell in a panel and closes it with Escape or the button", () => {
    render(<Cells />);
    fireEvent.click(screen.getByTestId("nested"));
    const panel = screen.getByTestId("wb-nested-panel");
    expect(panel.getAttribute("aria-label")).toBe("order, row 4");
    expect(panel.textContent).toContain("customer: {2 fields}");
    fireEvent.keyDown(panel, { key: "Escape" });
    expect(screen.queryByTestId("wb-nested-panel")).toBeNull();
    fireEvent.click(screen.getByTestId("nested"));
    fireEvent.click(screen.getByLabelText("Close"));
    expect(screen.queryByTestId("wb-nested-panel")).toBeNull();
  });

  it("leaves text cells and binary values closed", () => {
    render(<Cells />);
    fireEvent.click(screen.getByTestId("text"));
    fireEvent.click(screen.getByTestId("binary"));
    expect(screen.queryByTestId("wb-nested-panel")).toBeNull();
  });
});
