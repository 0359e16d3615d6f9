import type { FormObject } from "../generate";
import { RegexBox } from "./RegexInput";
import { Rows } from "./Rows";
import { newRowOf, text } from "./rowValues";
import type { ControlProps } from "./types";

function PatternCells({ row, update }: { row: FormObject; update(row: FormObject): void }) {
  return (
    <>
      <RegexBox
        testId="wb-row-input"
        dataKey="pattern"
        label="Delimiter pattern"
        placeholder="delimiter (regular expression)"
        value={text(row, "pattern")}
        onChange={(v) => update({ ...row, pattern: v })}
      />
      <label className="wb-check-label">
        <input
          type="checkbox"
          data-testid="wb-row-input"
          data-key="includeInSplit"
          checked={row.includeInSplit === true}
          onChange={(e) => update({ ...row, includeInSplit: e.target.checked })}
        />
        Keep the delimiter
      </label>
    </>
  );
}

/** The delimiters of SPLIT_COLUMN_MULTIPLE_DELIMITER, tried in the listed order. */
export function PatternOptionsEditor({ field, value, onChange }: ControlProps) {
  return (
    <Rows<FormObject>
      rows={value as FormObject[]}
      onChange={onChange}
      newRow={() => newRowOf(field)}
      addLabel="Add a delimiter"
      ordered
      renderRow={(row, update) => <PatternCells row={row} update={update} />}
    />
  );
}

/** One delimiter (patternOption1 and patternOption2 of a split between delimiters). */
export function PatternOptionEditor({ value, onChange }: ControlProps) {
  return (
    <div className="wb-row" data-testid="wb-input">
      <div className="wb-row-cells">
        <PatternCells row={value as FormObject} update={onChange} />
      </div>
    </div>
  );
}
