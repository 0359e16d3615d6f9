import { useEffect, useRef, type ReactNode } from "react";

interface DialogProps {
  title: string;
  testId?: string;
  onClose(): void;
  children: ReactNode;
  actions?: ReactNode;
}

/** A modal inside the widget (not the page): notebooks scroll, so the widget stays its anchor. */
export function Dialog({ title, testId, onClose, children, actions }: DialogProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.focus();
  }, []);
  return (
    <div className="wb-dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="wb-dialog"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        tabIndex={-1}
        ref={box}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <header className="wb-panel-header">
          <h3>{title}</h3>
          <button type="button" className="wb-close" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div className="wb-dialog-body">{children}</div>
        {actions ? <footer className="wb-dialog-actions">{actions}</footer> : null}
      </div>
    </div>
  );
}
