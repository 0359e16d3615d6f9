import type { FormObject } from "../generate";
import { Field } from "../Field";
import type { ControlProps } from "./types";

/** A structured value edited field by field, each with its own control (recursively). */
export function ObjectEditor({ field, value, onChange, path }: ControlProps) {
  const object = value as FormObject;
  return (
    <fieldset className="wb-object" data-testid="wb-input">
      {(field.fields ?? []).map((inner) => (
        <Field
          key={inner.name}
          field={inner}
          path={`${path}.${inner.name}`}
          value={object[inner.name]}
          onChange={(v) => onChange({ ...object, [inner.name]: v })}
          errors={[]}
        />
      ))}
    </fieldset>
  );
}
