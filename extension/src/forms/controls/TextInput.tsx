import { ExpressionInput } from "./ExpressionInput";
import type { ControlProps } from "./types";

export function TextInput(props: ControlProps) {
  const { value, onChange, id, field } = props;
  if (field.expression) return <ExpressionInput {...props} />;
  return (
    <input
      id={id}
      type="text"
      className="wb-text"
      data-testid="wb-input"
      value={String(value)}
      placeholder={field.defaultValue != null ? String(field.defaultValue) : undefined}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
