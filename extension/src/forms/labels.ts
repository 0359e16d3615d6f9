/** Readable names for the wire's identifiers. */

/** sourceColumn → "Source column", patternOption1 → "Pattern option 1". */
export function labelOf(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Za-z])([0-9])/g, "$1 $2")
    .replace(/[_\s]+/g, " ")
    .trim()
    .toLowerCase();
  return capitalise(words);
}

/** UPPER_CASE → "Upper case". */
export function operationLabel(operation: string): string {
  return capitalise(operation.replace(/_+/g, " ").trim().toLowerCase());
}

/** Upper-snake enum values read as words; anything else is shown as it is. */
export function enumLabel(value: string): string {
  return /^[A-Z][A-Z0-9_]*$/.test(value) ? operationLabel(value) : value;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
