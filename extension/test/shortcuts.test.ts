import { isTextEntry, shortcutAction } from "../src/toolbar/shortcuts";

function key(key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}, target: EventTarget | null = document.body) {
  return { key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, target, ...mods };
}

describe("keyboard shortcuts", () => {
  it("undoes on Ctrl+Z and Cmd+Z", () => {
    expect(shortcutAction(key("z", { ctrlKey: true }))).toBe("undo");
    expect(shortcutAction(key("z", { metaKey: true }))).toBe("undo");
  });

  it("redoes on Ctrl/Cmd+Shift+Z and Ctrl+Y", () => {
    expect(shortcutAction(key("Z", { ctrlKey: true, shiftKey: true }))).toBe("redo");
    expect(shortcutAction(key("z", { metaKey: true, shiftKey: true }))).toBe("redo");
    expect(shortcutAction(key("y", { ctrlKey: true }))).toBe("redo");
  });

  it("leaves other keys and plain letters alone", () => {
    expect(shortcutAction(key("z"))).toBeNull();
    expect(shortcutAction(key("c", { ctrlKey: true }))).toBeNull();
    expect(shortcutAction(key("z", { ctrlKey: true, altKey: true }))).toBeNull();
  });

  it("leaves undo to text fields", () => {
    const input = document.createElement("input");
    const checkbox = Object.assign(document.createElement("input"), { type: "checkbox" });
    const textarea = document.createElement("textarea");
    expect(shortcutAction(key("z", { ctrlKey: true }, input))).toBeNull();
    expect(shortcutAction(key("z", { ctrlKey: true }, textarea))).toBeNull();
    expect(shortcutAction(key("z", { ctrlKey: true }, checkbox))).toBe("undo");
    expect(isTextEntry(document.createElement("select"))).toBe(true);
    expect(isTextEntry(document.createElement("div"))).toBe(false);
  });
});
