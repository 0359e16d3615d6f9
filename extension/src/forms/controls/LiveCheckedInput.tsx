import { useEffect, useState } from "react";

/** Wait for a pause in typing before asking the kernel about a text. */
export const LIVE_CHECK_DELAY_MS = 250;

/**
 * The kernel's verdict on a text as it is typed: `ask` runs after a pause, and only the answer to
 * the latest text is kept. Null while the text is blank, fine, not yet checked or the kernel fails.
 * `key` names everything the verdict depends on; `ask` is read only when it changes.
 */
export function useLiveProblem(key: string, blank: boolean, ask: () => Promise<string | null>): string | null {
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (blank) {
      setProblem(null);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      ask().then(
        (found) => current && setProblem(found),
        () => current && setProblem(null),
      );
    }, LIVE_CHECK_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // `key` stands for what `ask` reads: a new closure each render must not re-ask the kernel.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, blank]);
  return problem;
}

export interface LiveCheckedInputProps {
  value: string;
  onChange(value: string): void;
  problem: string | null;
  /** Extra class of the wrapper ("wb-expression"). */
  className?: string;
  problemTestId: string;
  placeholder: string;
  id?: string;
  testId?: string;
  dataKey?: string;
  label?: string;
}

/** A code input that shows the kernel's live verdict under it. */
export function LiveCheckedInput({
  value,
  onChange,
  problem,
  className,
  problemTestId,
  placeholder,
  id,
  testId = "wb-input",
  dataKey,
  label,
}: LiveCheckedInputProps) {
  return (
    <span className={className ? `wb-regex ${className}` : "wb-regex"}>
      <input
        id={id}
        type="text"
        className={problem ? "wb-text wb-code wb-invalid" : "wb-text wb-code"}
        data-testid={testId}
        data-key={dataKey}
        aria-label={label}
        aria-invalid={problem ? true : undefined}
        spellCheck={false}
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      {problem && (
        <span className="wb-field-error" data-testid={problemTestId} role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}
