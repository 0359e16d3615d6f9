import { useEffect, useState } from "react";
import { useFormContext } from "../context";
import type { ControlProps } from "./types";

/** Wait for a pause in typing before asking the kernel about the pattern. */
export const REGEX_CHECK_DELAY_MS = 250;

/** The kernel's verdict on a pattern (null when fine or not yet known). */
export function useRegexProblem(pattern: string): string | null {
  const { rpc } = useFormContext();
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (!pattern) {
      setProblem(null);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      rpc.call("check_regex", { pattern }).then(
        (reply) => current && setProblem(reply.result.problem),
        () => current && setProblem(null),
      );
    }, REGEX_CHECK_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [rpc, pattern]);
  return problem;
}

interface RegexBoxProps {
  value: string;
  onChange(value: string): void;
  id?: string;
  testId?: string;
  dataKey?: string;
  label?: string;
  placeholder?: string;
}

export function RegexBox({ value, onChange, id, testId = "wb-input", dataKey, label, placeholder = "regular expression" }: RegexBoxProps) {
  const problem = useRegexProblem(value);
  return (
    <span className="wb-regex">
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
        <span className="wb-field-error" data-testid="wb-regex-problem" role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}

export function RegexInput({ value, onChange, id }: ControlProps) {
  return <RegexBox id={id} value={String(value)} onChange={onChange} />;
}
