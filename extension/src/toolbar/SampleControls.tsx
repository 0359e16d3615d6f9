import { useEffect, useState } from "react";
import type { SampleInfo } from "../protocol";

type Mode = SampleInfo["mode"];

const MODES: { mode: Mode; label: string }[] = [
  { mode: "FIRST_N", label: "First N rows" },
  { mode: "LAST_N", label: "Last N rows" },
  { mode: "RANDOM", label: "Random N rows" },
  { mode: "FULL", label: "All rows" },
];

export interface SampleRequest {
  mode: Mode;
  size: number;
  seed: number | null;
}

interface SampleControlsProps {
  sample: SampleInfo;
  busy: boolean;
  onResample(request: SampleRequest): void;
}

export function SampleControls({ sample, busy, onResample }: SampleControlsProps) {
  const [mode, setMode] = useState<Mode>(sample.mode);
  const [size, setSize] = useState(String(sample.size));
  const [seed, setSeed] = useState(sample.seed === null ? "" : String(sample.seed));
  useEffect(() => {
    setMode(sample.mode);
    setSize(String(sample.size));
    setSeed(sample.seed === null ? "" : String(sample.seed));
  }, [sample.mode, sample.size, sample.seed]);

  const parsedSize = Number.parseInt(size, 10);
  const sizeTyped = Number.isFinite(parsedSize) && parsedSize > 0;
  // The whole frame needs no size; the field stays usable so it can be set before the mode.
  const sizeValid = mode === "FULL" || sizeTyped;
  const apply = () => {
    if (!sizeValid) return;
    const parsedSeed = Number.parseInt(seed, 10);
    onResample({
      mode,
      size: sizeTyped ? parsedSize : sample.size,
      seed: mode === "RANDOM" && Number.isFinite(parsedSeed) ? parsedSeed : null,
    });
  };

  return (
    <form
      className="wb-sample"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <select
        data-testid="wb-sample-mode"
        aria-label="Sample"
        value={mode}
        onChange={(e) => setMode(e.target.value as Mode)}
      >
        {MODES.map(({ mode: value, label }) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <input
        data-testid="wb-sample-size"
        aria-label="Rows in the sample"
        className={sizeValid ? "wb-sample-size" : "wb-sample-size wb-bad-size"}
        type="number"
        min={1}
        step={1}
        value={size}
        title={mode === "FULL" ? "Not used: every row is shown" : undefined}
        onChange={(e) => setSize(e.target.value)}
      />
      {mode === "RANDOM" ? (
        <input
          data-testid="wb-sample-seed"
          aria-label="Random seed"
          className="wb-sample-seed"
          type="number"
          placeholder="seed"
          value={seed}
          onChange={(e) => setSeed(e.target.value)}
        />
      ) : null}
      <button type="submit" data-testid="wb-sample-apply" disabled={busy || !sizeValid}>
        {busy ? "Sampling…" : "Resample"}
      </button>
    </form>
  );
}
