/**
 * The transform menu, the step form and the recipe panel, behind one seam: the app renders
 * whatever this module provides, and tests can hand the app stand-ins.
 */
import type { ComponentType } from "react";
import type { StepFormProps } from "./forms/StepForm";
import type { TransformMenuProps } from "./menu/TransformMenu";
import type { RecipePanelProps } from "./recipe/RecipePanel";

export type { RecipePanelProps, StepFormProps, TransformMenuProps };

export interface Panels {
  TransformMenu: ComponentType<TransformMenuProps>;
  StepForm: ComponentType<StepFormProps>;
  RecipePanel: ComponentType<RecipePanelProps>;
}
