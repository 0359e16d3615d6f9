import { createContext, useContext } from "react";
import type { Catalogue } from "../protocol";
import type { Rpc } from "../rpc";
import type { FieldSpec, FormValues } from "./generate";

export interface ColumnOption {
  name: string;
  type: string;
}

/** What every control may need beyond its own value: the data's columns, siblings, the kernel. */
export interface FormContextValue {
  operation: string;
  catalogue: Catalogue;
  columns: ColumnOption[];
  datasets: string[];
  rpc: Rpc;
  /** The top-level fields and their current values (a control may depend on a sibling). */
  fields: FieldSpec[];
  values: FormValues;
  /** The step's position in the recipe (undefined: appended), for questions about the data it sees. */
  at?: number;
}

export const FormContext = createContext<FormContextValue | null>(null);

export function useFormContext(): FormContextValue {
  const context = useContext(FormContext);
  if (!context) throw new Error("form controls render inside a StepForm");
  return context;
}

/** The value of the first top-level field of a kind (e.g. the dataset a JOIN's columns come from). */
export function siblingValue(context: FormContextValue, kind: FieldSpec["kind"]): unknown {
  const field = context.fields.find((f) => f.kind === kind);
  return field ? context.values[field.name] : undefined;
}
