"""Pipelines: multi-stage jobs (input, recipe, gate, output per stage) run in dependency order.

``workbench pipeline run JOB`` runs a job file's stages, holds data back at the stage whose gate
fails, skips what depends on it, and resumes from there with ``--resume``.
"""

from workbench.pipeline.model import Job, PipelineError, Stage, job_schema, load_job
from workbench.pipeline.plan import PlannedStage, plan
from workbench.pipeline.runner import PipelineResult, RunSettings, run_pipeline
from workbench.pipeline.state import PipelineState, StageRecord, state_path

__all__ = [
    "Job",
    "PipelineError",
    "PipelineResult",
    "PipelineState",
    "PlannedStage",
    "RunSettings",
    "Stage",
    "StageRecord",
    "job_schema",
    "load_job",
    "plan",
    "run_pipeline",
    "state_path",
]
