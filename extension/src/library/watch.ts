/**
 * When the widget asks the library for a newer version of its base: when the page gets the focus
 * back or becomes visible again (the moment a user returns from elsewhere, where a colleague's
 * publish most likely happened), and every few minutes while the page is visible. The kernel also
 * checks when the widget opens and after each publish or open. A check lists one folder when
 * nothing is new, so this costs next to nothing; a hidden page never checks.
 */
import { useEffect } from "react";
import type { Rpc } from "../rpc";

export const CHECK_EVERY_MS = 5 * 60_000;
/** Focus and visibility events come in bursts; one check per burst is enough. */
export const MIN_GAP_MS = 10_000;

export function useLibraryWatch(rpc: Rpc, baseRef: string | null, everyMs = CHECK_EVERY_MS, minGapMs = MIN_GAP_MS): void {
  useEffect(() => {
    if (!baseRef) return undefined;
    let last = Date.now();
    const check = () => {
      if (document.visibilityState === "hidden" || Date.now() - last < minGapMs) return;
      last = Date.now();
      // A failed check reports itself in the trait's `problem`; nothing else to do here.
      rpc.call("library_check", {}).catch(() => undefined);
    };
    const onVisibility = () => {
      if (document.visibilityState === "visible") check();
    };
    window.addEventListener("focus", check);
    document.addEventListener("visibilitychange", onVisibility);
    const timer = setInterval(check, everyMs);
    return () => {
      window.removeEventListener("focus", check);
      document.removeEventListener("visibilitychange", onVisibility);
      clearInterval(timer);
    };
  }, [rpc, baseRef, everyMs, minGapMs]);
}
