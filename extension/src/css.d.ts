/** esbuild bundles stylesheets as text (`--loader:.css=text`); the widget injects them itself. */
declare module "*.css" {
  const text: string;
  export default text;
}
