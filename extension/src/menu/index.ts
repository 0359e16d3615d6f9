import css from "./menu.css";

export { TransformMenu, type TransformMenuProps } from "./TransformMenu";
export { searchTransforms, groupByCategory, isPickable } from "./search";

export const menuStyles: string = css;
