import { useLayoutEffect, useState, type RefObject } from "react";

/**
 * The element's client size, tracked with a ResizeObserver. Where layout is not measured
 * (jsdom, a hidden output) the fallback keeps the grid drawing a sensible screenful.
 */
export function useElementSize(ref: RefObject<HTMLElement>, fallback: { width: number; height: number }) {
  const [size, setSize] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () =>
      setSize((old) => {
        const width = element.clientWidth || fallback.width;
        const height = element.clientHeight || fallback.height;
        return old.width === width && old.height === height ? old : { width, height };
      });
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
    // The fallback is a constant of the caller; re-observing on its identity would loop.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ref]);
  return size;
}
