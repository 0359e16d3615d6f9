import type { ControlProps } from "./types";

export const DATE_FORMAT_PRESETS = [
  "yyyy-mm-dd",
  "yyyy-mm-dd HH:MM:SS",
  "mm/dd/yyyy",
  "mm-dd-yyyy",
  "dd month yyyy",
  "month yyyy",
  "dd month",
  "HH:MM:SS",
  "yyyy-MM-dd'T'HH:mm:ss",
];

const TOKENS_HINT =
  "yyyy year, yy two-digit year, mm or MM month, month or mon its name, dd day, HH hour (hh with a for AM/PM), MM minutes next to HH, SS seconds; quote literal letters as 'T'.";

export function DateFormatInput({ value, onChange, id }: ControlProps) {
  const listId = `${id}-presets`;
  return (
    <>
      <div className="wb-inline">
        <input
          id={id}
          type="text"
          className="wb-text"
          data-testid="wb-input"
          list={listId}
          value={String(value)}
          onChange={(e) => onChange(e.target.value)}
        />
        <select
          className="wb-select wb-presets"
          data-testid="wb-date-preset"
          aria-label="Common formats"
          value=""
          onChange={(e) => e.target.value && onChange(e.target.value)}
        >
          <option value="">Common formats…</option>
          {DATE_FORMAT_PRESETS.map((preset) => (
            <option key={preset} value={preset}>
              {preset}
            </option>
          ))}
        </select>
      </div>
      <datalist id={listId}>
        {DATE_FORMAT_PRESETS.map((preset) => (
          <option key={preset} value={preset} />
        ))}
      </datalist>
      <div className="wb-field-hint">{TOKENS_HINT}</div>
    </>
  );
}
