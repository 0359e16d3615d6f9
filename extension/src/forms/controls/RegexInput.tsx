import { useFormContext } from "../context";
import { LIVE_CHECK_DELAY_MS, LiveCheckedInput, useLiveProblem } from "./LiveCheckedInput";
import type { ControlProps } from "./types";

/** Wait for a pause in typing before asking the kernel about the pattern. */
export const REGEX_CHECK_DELAY_MS = LIVE_CHECK_DELAY_MS;

/** The kernel's verdict on a pattern (null when fine or not yet known). */
export function useRegexProblem(pattern: string): string | null {
  const { rpc } = useFormContext();
  return useLiveProblem(pattern, !pattern, () => rpc.call("check_regex", { pattern }).then((reply) => reply.result.problem));
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

export function RegexBox({ placeholder = "regular expression", ...props }: RegexBoxProps) {
  const problem = useRegexProblem(props.value);
  return <LiveCheckedInput {...props} placeholder={placeholder} problem={problem} problemTestId="wb-regex-problem" />;
}

export function RegexInput({ value, onChange, id }: ControlProps) {
  return <RegexBox id={id} value={String(value)} onChange={onChange} />;
}
