import css from "./recipe.css";

export { RecipePanel, type RecipePanelProps } from "./RecipePanel";

export const recipeStyles: string = css;
