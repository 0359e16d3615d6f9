import { useState } from "react";
import type { JobState, Requests } from "../protocol";
import type { Rpc } from "../rpc";

type Engine = Requests["run"]["params"]["engine"];

interface RunPanelProps {
  rpc: Rpc;
  job: JobState;
  engine: Engine;
  onEngineChange(engine: Engine): void;
  onClose(): void;
}

/** Replays the recipe on all the data and writes it; progress arrives through the `job` trait. */
export function RunPanel({ rpc, job, engine, onEngineChange, onClose }: RunPanelProps) {
  const [remote, setRemote] = useState("");
  const [output, setOutput] = useState("");
  const [overwrite, setOverwrite] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const running = job.state === "running";

  const run = () => {
    setError(null);
    rpc
      .call("run", { engine, remote: engine === "spark" && remote.trim() ? remote.trim() : null, output: output.trim(), overwrite })
      .catch((e: Error) => setError(e.message));
  };

  return (
    <section className="wb-run-panel" data-testid="wb-run-panel" aria-label="Run on full data">
      <form
        className="wb-run-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!running && output.trim()) run();
        }}
      >
        <label>
          Engine
          <select data-testid="wb-run-engine" value={engine} onChange={(e) => onEngineChange(e.target.value as Engine)}>
            <option value="pandas">pandas</option>
            <option value="spark">Spark</option>
          </select>
        </label>
        {engine === "spark" ? (
          <label>
            Spark Connect URL
            <input
              data-testid="wb-run-remote"
              placeholder="sc://host:15002 (empty: local Spark)"
              value={remote}
              onChange={(e) => setRemote(e.target.value)}
            />
          </label>
        ) : null}
        <label className="wb-grow">
          Output
          <input
            data-testid="wb-run-output"
            placeholder="out/result.parquet"
            value={output}
            onChange={(e) => setOutput(e.target.value)}
          />
        </label>
        <label className="wb-run-check">
          <input data-testid="wb-run-overwrite" type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
          overwrite
        </label>
        <button type="submit" className="wb-primary" data-testid="wb-run-start" disabled={running || output.trim() === ""}>
          {running ? "Running…" : "Run"}
        </button>
        <button type="button" className="wb-close" aria-label="Close run panel" onClick={onClose}>
          ×
        </button>
      </form>
      {error ? <p className="wb-error">{error}</p> : null}
      <JobStatus job={job} />
    </section>
  );
}

export function JobStatus({ job }: { job: JobState }) {
  return (
    <div className={`wb-job wb-job-${job.state}`} data-testid="wb-job-status" data-state={job.state}>
      {job.state === "running" ? (
        <div className="wb-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(job.progress * 100)}>
          <span style={{ width: `${Math.max(0, Math.min(1, job.progress)) * 100}%` }} />
        </div>
      ) : null}
      <span className="wb-job-message">{job.message || jobStateText(job.state)}</span>
      {job.summary ? <JobSummary summary={job.summary} /> : null}
    </div>
  );
}

function jobStateText(state: JobState["state"]): string {
  return { idle: "Not run yet", running: "Running…", done: "Done", failed: "Failed" }[state];
}

function JobSummary({ summary }: { summary: Record<string, unknown> }) {
  return (
    <dl className="wb-pairs wb-job-summary">
      {Object.entries(summary).map(([key, value]) => (
        <div key={key}>
          <dt>{key.replace(/_/g, " ")}</dt>
          <dd>{typeof value === "number" ? value.toLocaleString("en-US") : typeof value === "object" ? JSON.stringify(value) : String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
