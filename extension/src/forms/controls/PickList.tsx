import type { ReactNode } from "react";

export interface PickOption {
  value: string;
  label: string;
}

interface PickListProps {
  id?: string;
  value: string[];
  options: PickOption[];
  onChange(value: string[]): void;
  addLabel: string;
}

/** An ordered choice of several names: chips in order, each movable and removable, and a picker to add. */
export function PickList({ id, value, options, onChange, addLabel }: PickListProps) {
  const remaining = options.filter((option) => !value.includes(option.value));
  const labelOf = (name: string) => options.find((o) => o.value === name)?.label ?? `${name} (not available)`;
  const move = (from: number, to: number) => onChange(moved(value, from, to));
  return (
    <div className="wb-picklist" data-testid="wb-input">
      {value.length > 0 && (
        <ol className="wb-chips">
          {value.map((name, index) => (
            <li key={name} className="wb-chip" data-testid="wb-list-item" data-value={name}>
              <span className="wb-chip-label">{labelOf(name)}</span>
              <IconButton testId="wb-list-up" label={`Move ${name} up`} disabled={index === 0} onClick={() => move(index, index - 1)}>
                ↑
              </IconButton>
              <IconButton
                testId="wb-list-down"
                label={`Move ${name} down`}
                disabled={index === value.length - 1}
                onClick={() => move(index, index + 1)}
              >
                ↓
              </IconButton>
              <IconButton testId="wb-list-remove" label={`Remove ${name}`} onClick={() => onChange(value.filter((v) => v !== name))}>
                ×
              </IconButton>
            </li>
          ))}
        </ol>
      )}
      <select
        id={id}
        className="wb-select"
        data-testid="wb-list-picker"
        value=""
        disabled={remaining.length === 0}
        onChange={(e) => e.target.value && onChange([...value, e.target.value])}
      >
        <option value="">{remaining.length > 0 ? addLabel : "Nothing left to add"}</option>
        {remaining.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function moved<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length || from === to) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item);
  return next;
}

interface IconButtonProps {
  testId: string;
  label: string;
  disabled?: boolean;
  /** For toggles: whether the button is on. */
  pressed?: boolean;
  onClick(): void;
  children: ReactNode;
}

/** A small button whose label is its tooltip and its accessible name. */
export function IconButton({ testId, label, disabled, pressed, onClick, children }: IconButtonProps) {
  return (
    <button
      type="button"
      className="wb-icon-button"
      data-testid={testId}
      aria-label={label}
      title={label}
      aria-pressed={pressed}
      disabled={disabled}
      onClick={onClick}
    >
      {children}
    </button>
  );
}
