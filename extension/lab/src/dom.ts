// Small DOM helpers of the side panel (plain DOM, re-rendered on demand).

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text = ''
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  if (text) {
    node.textContent = text;
  }
  return node;
}

export function button(label: string, testId: string, onClick: () => void): HTMLButtonElement {
  const node = element('button', { class: 'jp-Button jp-mod-styled jp-mod-reject', 'data-testid': testId }, label);
  node.addEventListener('click', onClick);
  return node;
}

/** A byte count in words: 1536 -> "1.5 KB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
