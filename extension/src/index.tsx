import { createRoot } from "react-dom/client";
import type { AnyModel, RenderProps } from "@anywidget/types";
import { App } from "./app";
import { createRpc } from "./rpc";
import type { WidgetModel } from "./model";
import type { Panels } from "./panels";
import { TransformMenu, menuStyles } from "./menu";
import { StepForm, formStyles } from "./forms";
import { RecipePanel, recipeStyles } from "./recipe";
import { libraryStyles } from "./library";
import shellStyles from "./style.css";

const PANELS: Panels = { TransformMenu, StepForm, RecipePanel };
const STYLES = [shellStyles, menuStyles, formStyles, recipeStyles, libraryStyles].join("\n");

/** anywidget entry: one React root per view of the model; closing the view frees the channel. */
function render({ model, el }: Pick<RenderProps, "model" | "el">) {
  const style = document.createElement("style");
  style.textContent = STYLES;
  const mount = document.createElement("div");
  el.append(style, mount);

  const widgetModel = model as AnyModel & WidgetModel;
  const rpc = createRpc(widgetModel);
  const root = createRoot(mount);
  root.render(<App model={widgetModel} rpc={rpc} panels={PANELS} />);

  return () => {
    root.unmount();
    rpc.dispose();
    style.remove();
    mount.remove();
  };
}

export default { render };
