import type { FormObject } from "../generate";
import { Rows } from "./Rows";
import { text } from "./rowValues";
import type { ControlProps } from "./types";

/** A map edited as rows of key → value (CATEGORICAL_MAPPING's categoryMap). */
export function KeyValueEditor({ value, onChange }: ControlProps) {
  return (
    <Rows<FormObject>
      rows={value as FormObject[]}
      onChange={onChange}
      newRow={() => ({ key: "", value: "" })}
      addLabel="Add a mapping"
      renderRow={(row, update) => (
        <>
          <input
            type="text"
            className="wb-text"
            data-testid="wb-row-input"
            data-key="key"
            aria-label="From"
            placeholder="from"
            value={text(row, "key")}
            onChange={(e) => update({ ...row, key: e.target.value })}
          />
          <span className="wb-row-joiner" aria-hidden>
            →
          </span>
          <input
            type="text"
            className="wb-text"
            data-testid="wb-row-input"
            data-key="value"
            aria-label="To"
            placeholder="to"
            value={text(row, "value")}
            onChange={(e) => update({ ...row, value: e.target.value })}
          />
        </>
      )}
    />
  );
}
