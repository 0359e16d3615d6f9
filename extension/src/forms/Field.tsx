import { useId } from "react";
import type { StepError } from "../protocol";
import { CONTROLS } from "./controls";
import { initialValue, type FieldSpec, type FormValue } from "./generate";
import { RichText } from "./RichText";

interface FieldProps {
  field: FieldSpec;
  /** The parameter's dotted path: its name at the top level, "window.size" inside an object. */
  path: string;
  value: FormValue | undefined;
  onChange(value: FormValue): void;
  errors: StepError[];
}

/** A parameter: its label, its kind's control, its description and the kernel's errors about it. */
export function Field({ field, path, value, onChange, errors }: FieldProps) {
  const id = useId();
  const Control = CONTROLS[field.kind];
  const inline = field.kind === "boolean";
  const className = ["wb-field", `wb-field-${field.kind}`, errors.length > 0 ? "wb-field-has-error" : ""].join(" ").trim();
  return (
    <div className={className} data-testid="wb-field" data-param={path} data-kind={field.kind}>
      <div className={inline ? "wb-field-inline" : undefined}>
        {inline && <Control field={field} value={value ?? initialValue(field)} onChange={onChange} id={id} path={path} />}
        <label className="wb-field-label" htmlFor={id}>
          {field.label}
          {field.required && (
            <span className="wb-required" title="required" aria-label="required">
              *
            </span>
          )}
        </label>
      </div>
      {!inline && <Control field={field} value={value ?? initialValue(field)} onChange={onChange} id={id} path={path} />}
      {field.description && (
        <div className="wb-field-help">
          <RichText text={field.description} />
        </div>
      )}
      {errors.map((error, index) => (
        <div key={index} className="wb-field-error" data-testid="wb-field-error" role="alert">
          {errorText(error)}
        </div>
      ))}
    </div>
  );
}

export function errorText(error: StepError): string {
  return error.suggestion ? `${error.message} (did you mean “${error.suggestion}”?)` : error.message;
}
