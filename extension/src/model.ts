import { useCallback, useSyncExternalStore } from "react";
import type { MessageChannel } from "./rpc";

/**
 * The part of the anywidget model the app uses: synced traits plus the custom-message channel.
 * Kept narrow so tests can hand the app a plain object instead of a Backbone model.
 */
export interface WidgetModel extends MessageChannel {
  get(name: string): unknown;
  on(event: string, handler: (...args: any[]) => void): void;
  off(event?: string | null, handler?: ((...args: any[]) => void) | null): void;
}

/** The current value of a synced trait; the component re-renders on `change:<name>`. */
export function useTrait<T>(model: WidgetModel, name: string): T {
  const subscribe = useCallback(
    (notify: () => void) => {
      const event = `change:${name}`;
      model.on(event, notify);
      return () => model.off(event, notify);
    },
    [model, name],
  );
  const read = useCallback(() => model.get(name) as T, [model, name]);
  return useSyncExternalStore(subscribe, read, read);
}
