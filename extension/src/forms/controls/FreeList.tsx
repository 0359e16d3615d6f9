import { useState } from "react";
import { IconButton } from "./PickList";

interface FreeListProps {
  value: string[];
  onChange(value: string[]): void;
  id?: string;
  placeholder?: string;
  /** Id of a datalist offering names to type. */
  suggestions?: string;
  addLabel?: string;
  numeric?: boolean;
}

/**
 * Typed items, one input each. An empty list still shows one input, so the first item is
 * typed without a click; blank items are left out when the step is built.
 */
export function FreeList({ value, onChange, id, placeholder, suggestions, addLabel = "Add", numeric }: FreeListProps) {
  const items = value.length > 0 ? value : [""];
  const set = (index: number, text: string) => onChange(items.map((item, i) => (i === index ? text : item)));
  const remove = (index: number) => onChange(items.filter((_, i) => i !== index));
  // A new item takes the focus, so a list is typed item, Enter, item, Enter…
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const append = () => {
    setFocusIndex(items.length);
    onChange([...items, ""]);
  };
  return (
    <div className="wb-freelist">
      {items.map((item, index) => (
        <div key={index} className="wb-freelist-item" data-testid="wb-list-item">
          <input
            id={index === 0 ? id : undefined}
            type="text"
            inputMode={numeric ? "decimal" : undefined}
            className="wb-text"
            data-testid="wb-list-input"
            list={suggestions}
            placeholder={placeholder}
            value={item}
            ref={(input) => {
              if (input && index === focusIndex) {
                input.focus();
                setFocusIndex(null);
              }
            }}
            onChange={(e) => set(index, e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && index === items.length - 1 && item !== "") {
                e.preventDefault();
                append();
              }
            }}
          />
          <IconButton testId="wb-list-remove" label="Remove" disabled={value.length === 0} onClick={() => remove(index)}>
            ×
          </IconButton>
        </div>
      ))}
      <button type="button" className="wb-link-button" data-testid="wb-list-add" onClick={append}>
        + {addLabel}
      </button>
    </div>
  );
}
