import { useEffect, useState } from "react";
import type { ExpressionRole } from "../../protocol";
import { useFormContext } from "../context";
import type { ControlProps } from "./types";

/** Wait for a pause in typing before asking the kernel about the expression. */
export const EXPRESSION_CHECK_DELAY_MS = 250;

/** The kernel's verdict on an expression (null when fine or not yet known). */
export function useExpressionProblem(expression: string, role: ExpressionRole): string | null {
  const { rpc, columns } = useFormContext();
  const [problem, setProblem] = useState<string | null>(null);
  const names = columns.map((c) => c.name);
  const known = names.join("\u0000");
  useEffect(() => {
    if (!expression.trim()) {
      setProblem(null);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      const params = names.length > 0 ? { expression, role, columns: names } : { expression, role };
      rpc.call("check_expression", params).then(
        (reply) => current && setProblem(reply.result.problem),
        () => current && setProblem(null),
      );
    }, EXPRESSION_CHECK_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // `known` stands for the column names: a new array each render must not re-ask the kernel.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rpc, expression, role, known]);
  return problem;
}

interface ExpressionBoxProps {
  value: string;
  role: ExpressionRole;
  onChange(value: string): void;
  id?: string;
  testId?: string;
  dataKey?: string;
  label?: string;
}

const PLACEHOLDERS: Record<ExpressionRole, string> = {
  condition: "`price` > 10 and contains(`name`, 'x')",
  value: "'text', 10, `column` or :aggregate",
  case: "case when `age` < 18 then 'minor' else 'adult' end",
  aggregate: "avg(`price`)",
};

export function ExpressionBox({ value, role, onChange, id, testId = "wb-input", dataKey, label }: ExpressionBoxProps) {
  const problem = useExpressionProblem(value, role);
  return (
    <span className="wb-regex wb-expression">
      <input
        id={id}
        type="text"
        className={problem ? "wb-text wb-code wb-invalid" : "wb-text wb-code"}
        data-testid={testId}
        data-key={dataKey}
        aria-label={label}
        aria-invalid={problem ? true : undefined}
        spellCheck={false}
        placeholder={PLACEHOLDERS[role]}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      {problem && (
        <span className="wb-field-error" data-testid="wb-expression-problem" role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}

export function ExpressionInput({ value, onChange, id, field }: ControlProps) {
  return <ExpressionBox id={id} value={String(value)} role={field.expression ?? "condition"} onChange={onChange} />;
}
