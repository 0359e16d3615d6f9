import type { FieldSpec, FormValue } from "../generate";

export interface ControlProps {
  field: FieldSpec;
  value: FormValue;
  onChange(value: FormValue): void;
  /** Id for the label's htmlFor. */
  id: string;
  /** Dotted path of the parameter ("window.size" inside an object). */
  path: string;
}
