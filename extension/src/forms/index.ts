import css from "./forms.css";

export { StepForm, type StepFormProps } from "./StepForm";
export { fieldsOf, fromParameters, toParameters, buildStep, type FieldSpec, type FormValue, type FormValues } from "./generate";
export { operationLabel, labelOf } from "./labels";

export const formStyles: string = css;
