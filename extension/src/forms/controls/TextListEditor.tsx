import { FreeList } from "./FreeList";
import type { ControlProps } from "./types";

/** text_list and number_list: numbers are typed as text ("-Infinity" is a valid split). */
export function TextListEditor({ field, value, onChange, id }: ControlProps) {
  const numeric = field.kind === "number_list";
  return (
    <div data-testid="wb-input">
      <FreeList
        id={id}
        value={value as string[]}
        onChange={onChange}
        numeric={numeric}
        placeholder={numeric ? "number (or -Infinity, Infinity)" : "value"}
        addLabel={numeric ? "Add a number" : "Add a value"}
      />
    </div>
  );
}
