"""A pipeline run's state: each stage's outcome and metrics, saved atomically after every stage."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from workbench.core.errors import DataIOError
from workbench.pipeline.model import Stage


@dataclasses.dataclass
class StageRecord:
    """One stage of one run: what happened and its metrics."""

    name: str
    outcome: str
    digest: str
    """The stage's definition, hashed: a stage edited since a run is not kept by ``--resume``."""
    rows_in: int | None = None
    rows_out: int | None = None
    rejected: int | None = None
    """Rows held back by the gate (all the output's rows when the whole output was held)."""
    score: float | None = None
    seconds: float = 0.0
    message: str = ""
    exit_code: int = 1

    def line(self) -> str:
        """The stage's summary line, e.g. ``promoted: 1,000 rows in, 990 out, score 0.950, 1.2 s``."""
        parts = []
        if self.rows_in is not None:
            parts.append(f"{self.rows_in:,} rows in")
        if self.rows_out is not None:
            parts.append(f"{self.rows_out:,} out")
        if self.rejected:
            parts.append(f"{self.rejected:,} rejected")
        if self.score is not None:
            parts.append(f"score {self.score:.3f}")
        parts.append(f"{self.seconds:.2f} s")
        text = f"{self.outcome}: {', '.join(parts)}"
        return f"{text} ({self.message})" if self.message else text

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class PipelineState:
    """The last run of a job, as ``--resume`` reads it."""

    job: str
    run_id: str
    stages: dict[str, StageRecord]

    @classmethod
    def load(cls, path: Path) -> PipelineState | None:
        """The saved state, or None when the job has not run yet."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            records = {r["name"]: StageRecord(**r) for r in data["stages"]}
            return cls(data["job"], data["run_id"], records)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DataIOError(
                f"cannot read the pipeline state {str(path)!r}: {exc}; remove it to start over"
            ) from None

    def save(self, path: Path) -> None:
        """Write the state atomically (a crash leaves the previous state, never half of one)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"job": self.job, "run_id": self.run_id, "stages": [r.to_dict() for r in self.stages.values()]}
        staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        staged.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(staged, path)


def stage_digest(stage: Stage, files: list[Path]) -> str:
    """A short hash of the stage's definition and of the recipe and ruleset files it names."""
    digest = hashlib.sha256(json.dumps(stage.model_dump(mode="json"), sort_keys=True).encode())
    for path in files:
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()[:16]


def state_path(job_name: str, root: Path | None = None) -> Path:
    """Where a job's state is kept: ``.workbench/pipelines/NAME.json`` in the working directory."""
    return (root or Path.cwd()) / ".workbench" / "pipelines" / f"{job_name}.json"
