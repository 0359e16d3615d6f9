import type { ExpressionRole } from "../../protocol";
import { useFormContext } from "../context";
import { LIVE_CHECK_DELAY_MS, LiveCheckedInput, useLiveProblem } from "./LiveCheckedInput";
import type { ControlProps } from "./types";

/** Wait for a pause in typing before asking the kernel about the expression. */
export const EXPRESSION_CHECK_DELAY_MS = LIVE_CHECK_DELAY_MS;

/** The kernel's verdict on an expression (null when fine or not yet known). */
export function useExpressionProblem(expression: string, role: ExpressionRole): string | null {
  const { rpc, columns } = useFormContext();
  const names = columns.map((c) => c.name);
  const key = [expression, role, ...names].join("\u0000");
  return useLiveProblem(key, !expression.trim(), () => {
    const params = names.length > 0 ? { expression, role, columns: names } : { expression, role };
    return rpc.call("check_expression", params).then((reply) => reply.result.problem);
  });
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

export function ExpressionBox({ role, ...props }: ExpressionBoxProps) {
  const problem = useExpressionProblem(props.value, role);
  return (
    <LiveCheckedInput
      {...props}
      className="wb-expression"
      placeholder={PLACEHOLDERS[role]}
      problem={problem}
      problemTestId="wb-expression-problem"
    />
  );
}

export function ExpressionInput({ value, onChange, id, field }: ControlProps) {
  return <ExpressionBox id={id} value={String(value)} role={field.expression ?? "condition"} onChange={onChange} />;
}
