import css from "./library.css";

export { BaseNotice, type BaseNoticeProps } from "./BaseNotice";
export { OpenDialog, type OpenDialogProps } from "./OpenDialog";
export { PublishDialog, type PublishDialogProps } from "./PublishDialog";
export { useLibraryWatch } from "./watch";

export const libraryStyles: string = css;
