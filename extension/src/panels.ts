/**
 * The transform menu, the step form and the recipe panel, behind one seam: the app renders
 * whatever this module provides, and tests can hand the app stand-ins.
 */
import type { ComponentType } from "react";
import type { Catalogue, CatalogueEntry, PreviewInfo, RecipeState, StepError, StepJson } from "./protocol";
import type { Rpc } from "./rpc";

export interface TransformMenuProps {
  catalogue: Catalogue;
  engine: string;
  onPick(entry: CatalogueEntry): void;
  onClose(): void;
}

export interface StepFormProps {
  entry: CatalogueEntry;
  catalogue: Catalogue;
  columns: { name: string; type: string }[];
  datasets: string[];
  initial?: StepJson;
  errors: StepError[];
  preview: PreviewInfo | null;
  rpc: Rpc;
  onChange(step: StepJson): void;
  onPreview(step: StepJson): void;
  onApply(step: StepJson): void;
  onCancel(): void;
}

export interface RecipePanelProps {
  recipe: RecipeState;
  onEdit(index: number): void;
  onToggle(index: number): void;
  onDelete(index: number): void;
  onMove(index: number, to: number): void;
  onInsertAt(index: number): void;
  onUndo(): void;
  onRedo(): void;
}

export interface Panels {
  TransformMenu: ComponentType<TransformMenuProps>;
  StepForm: ComponentType<StepFormProps>;
  RecipePanel: ComponentType<RecipePanelProps>;
}
