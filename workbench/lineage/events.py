"""OpenLineage RunEvents of a run: START, then COMPLETE, FAIL or ABORT (a quality gate held the data back).

Events are built with the ``openlineage-python`` model and always appended to a JSON Lines file
(``.workbench/lineage/events.jsonl``, or ``WORKBENCH_LINEAGE_FILE``); they are also sent to an HTTP
endpoint (``--lineage-url``, ``OPENLINEAGE_URL`` or the client's own configuration) or to the
console. An endpoint that is down never fails the run: the event stays in the file and the
failure is reported.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from openlineage.client import event_v2 as ev
from openlineage.client import facet_v2 as fc
from openlineage.client.serde import Serde
from openlineage.client.uuid import generate_new_uuid

from workbench.core.types import Schema
from workbench.lineage.columns import RecipeLineage, recipe_lineage
from workbench.lineage.naming import dataset_id, output_size
from workbench.lineage.steps import FACET as STEPS_FACET
from workbench.lineage.steps import steps_facet

PRODUCER = "https://github.com/workbench-data/workbench"
JOB_NAMESPACE = "workbench"
DEFAULT_FILE = Path(".workbench") / "lineage" / "events.jsonl"


def events_file() -> Path:
    """Where events are kept: ``WORKBENCH_LINEAGE_FILE``, else ``.workbench/lineage/events.jsonl``."""
    return Path(os.environ.get("WORKBENCH_LINEAGE_FILE") or DEFAULT_FILE)


@dataclasses.dataclass
class RunInfo:
    """What an event says about the run: the recipe, where it came from, its data and engine."""

    recipe: Any
    inputs: dict[str, str]
    """Dataset key (``""`` for the main input, else the bound name) to path or ``catalog:DB.TABLE``."""
    output: str
    schema: Schema
    dataset_schemas: dict[str, Schema] = dataclasses.field(default_factory=dict)
    engine: str = "pandas"
    ref: str | None = None
    version: str | None = None
    digest: str | None = None


@dataclasses.dataclass
class Emitter:
    """Sends events to the file and, optionally, to an HTTP endpoint or the console."""

    file: Path
    url: str | None = None
    problems: list[str] = dataclasses.field(default_factory=list)

    def emit(self, event: ev.RunEvent) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        with self.file.open("a", encoding="utf-8") as out:
            out.write(Serde.to_json(event) + "\n")
        transport = self._transport()
        if transport is None:
            return
        try:
            transport.emit(event)
        except Exception as exc:  # any endpoint failure: the event is already in the file
            self.problems.append(f"{event.eventType.value if event.eventType else 'event'}: {exc}")

    def _transport(self) -> Any:
        if self.url == "console":
            from openlineage.client.transport.console import ConsoleConfig, ConsoleTransport

            return ConsoleTransport(ConsoleConfig())
        if self.url:
            from openlineage.client.transport.http import HttpConfig, HttpTransport

            return HttpTransport(HttpConfig(url=self.url, timeout=5.0))
        if _configured_by_environment():
            from openlineage.client import OpenLineageClient

            return OpenLineageClient.from_environment().transport
        return None


def _configured_by_environment() -> bool:
    keys = ("OPENLINEAGE_URL", "OPENLINEAGE_CONFIG")
    return any(os.environ.get(k) for k in keys) or any(
        k.startswith("OPENLINEAGE__TRANSPORT") for k in os.environ
    )


class LineageRun:
    """One run's events; ``complete``/``fail``/``abort`` sends the last one."""

    def __init__(self, info: RunInfo, emitter: Emitter) -> None:
        self.info = info
        self.emitter = emitter
        self.run_id = str(generate_new_uuid())
        self.lineage: RecipeLineage | None = None
        self.lineage_problem: str | None = None
        try:
            self.lineage = recipe_lineage(info.recipe, info.schema, info.dataset_schemas)
        except Exception as exc:  # lineage must never stop a run
            self.lineage_problem = str(exc)

    def start(self) -> None:
        self.emitter.emit(self.event(ev.RunState.START))

    def complete(
        self, rows_out: int | None, output_columns: list[str] | None = None, assertions: Any = None
    ) -> None:
        if output_columns is not None and self.lineage is not None:
            self.lineage = _resolved(self, output_columns)
        self.emitter.emit(self.event(ev.RunState.COMPLETE, rows_out=rows_out, assertions=assertions))

    def fail(self, message: str, state: ev.RunState = ev.RunState.FAIL, assertions: Any = None) -> None:
        self.emitter.emit(self.event(state, error=message, assertions=assertions))

    def event(
        self,
        state: ev.RunState,
        *,
        rows_out: int | None = None,
        error: str | None = None,
        assertions: Any = None,
    ) -> ev.RunEvent:
        """The RunEvent of ``state`` for this run."""
        run_facets: dict[str, Any] = {
            "processing_engine": fc.processing_engine_run.ProcessingEngineRunFacet(
                version=_version(), name="workbench", openlineageAdapterVersion=_client_version()
            )
        }
        if error:
            run_facets["errorMessage"] = fc.error_message_run.ErrorMessageRunFacet(
                message=error, programmingLanguage="python"
            )
        return ev.RunEvent(
            eventType=state,
            eventTime=dt.datetime.now(dt.UTC).isoformat(),
            producer=PRODUCER,
            run=ev.Run(runId=self.run_id, facets=run_facets),
            job=self.job(),
            inputs=self.inputs(),
            outputs=[self.output(state, rows_out, assertions)],
        )

    def job(self) -> ev.Job:
        info = self.info
        name = info.ref.split("@", 1)[0] if info.ref else (info.recipe.name or self._unnamed_job())
        text = info.recipe.description or f"recipe {name}"
        if info.version or info.digest:
            text += f" (version {info.version or '?'}, digest {info.digest or '?'})"
        facets: dict[str, Any] = {
            "jobType": fc.job_type_job.JobTypeJobFacet(
                processingType="BATCH", integration="WORKBENCH", jobType="RECIPE"
            ),
            "documentation": fc.documentation_job.DocumentationJobFacet(
                description=text, contentType="text/plain"
            ),
        }
        if info.recipe.tags:
            facets["tags"] = fc.tags_job.TagsJobFacet(
                tags=[
                    fc.tags_job.TagsJobFacetFields(key="tag", value=t, source="recipe")
                    for t in info.recipe.tags
                ]
            )
        return ev.Job(namespace=JOB_NAMESPACE, name=name, facets=facets)

    def _unnamed_job(self) -> str:
        # The graph keeps each job's latest run: unnamed recipes writing different outputs must not
        # be one job, so such a job is named by the dataset it writes.
        return f"recipe writing {dataset_id(self.info.output)[1]}"

    def namespaces(self) -> dict[str, tuple[str, str]]:
        return {key: dataset_id(path) for key, path in self.info.inputs.items()}

    def inputs(self) -> list[ev.InputDataset]:
        out = []
        for key, path in self.info.inputs.items():
            namespace, name = dataset_id(path)
            schema = self.info.schema if key == "" else self.info.dataset_schemas.get(key, {})
            out.append(
                ev.InputDataset(namespace=namespace, name=name, facets={"schema": _schema_facet(schema)})
            )
        return out

    def output(self, state: ev.RunState, rows_out: int | None, assertions: Any) -> ev.OutputDataset:
        namespace, name = dataset_id(self.info.output)
        facets: dict[str, Any] = {}
        output_facets: dict[str, Any] = {}
        if self.lineage is not None:
            facets["columnLineage"] = column_lineage_facet(self.lineage, self.namespaces())
            facets["schema"] = _schema_facet(self._output_schema())
            steps = self._steps_facet()
            if steps is not None:
                facets[STEPS_FACET] = steps
        if assertions:
            assertions = list(assertions)
        if assertions:
            facets["dataQualityAssertions"] = (
                fc.data_quality_assertions_dataset.DataQualityAssertionsDatasetFacet(assertions=assertions)
            )
        if state == ev.RunState.COMPLETE:
            output_facets["outputStatistics"] = (
                fc.output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet(
                    rowCount=rows_out, size=output_size(self.info.output)
                )
            )
        return ev.OutputDataset(namespace=namespace, name=name, facets=facets, outputFacets=output_facets)

    def _steps_facet(self) -> Any:
        """The steps that made each output column (None when they cannot be worked out)."""
        assert self.lineage is not None
        info = self.info
        try:
            return steps_facet(
                info.recipe, info.schema, info.dataset_schemas, list(self.lineage.columns), self.namespaces()
            )
        except Exception:  # lineage must never stop a run
            return None

    def _output_schema(self) -> dict[str, str]:
        try:
            after = self.info.recipe.validate(self.info.schema, self.info.dataset_schemas) or {}
        except Exception:
            after = {}
        assert self.lineage is not None
        return {c: after[c].value if c in after else "unknown" for c in self.lineage.columns}


def _resolved(run: LineageRun, output_columns: list[str]) -> RecipeLineage:
    info = run.info
    return recipe_lineage(info.recipe, info.schema, info.dataset_schemas, output_columns)


def column_lineage_facet(lineage: RecipeLineage, namespaces: dict[str, tuple[str, str]]) -> Any:
    """The ColumnLineageDatasetFacet (1-2-0) of ``lineage``."""
    cl = fc.column_lineage_dataset

    def field(item: dict[str, Any]) -> Any:
        return cl.InputField(
            namespace=item["namespace"],
            name=item["name"],
            field=item["field"],
            transformations=[cl.Transformation(**t) for t in item["transformations"]],
        )

    fields = {
        column: cl.Fields(inputFields=[field(i) for i in entry["inputFields"]])
        for column, entry in lineage.facet_fields(namespaces).items()
    }
    return cl.ColumnLineageDatasetFacet(
        fields=fields, dataset=[field(i) for i in lineage.facet_dataset(namespaces)]
    )


def _schema_facet(schema: Any) -> Any:
    sd = fc.schema_dataset
    fields = [
        sd.SchemaDatasetFacetFields(name=c, type=getattr(t, "value", str(t))) for c, t in schema.items()
    ]
    return sd.SchemaDatasetFacet(fields=fields)


def assertions_from(rules: list[dict[str, Any]]) -> list[Any]:
    """DataQualityAssertions entries from rule outcomes (``{"rule", "outcome"}``, as in a report)."""
    da = fc.data_quality_assertions_dataset
    return [da.Assertion(assertion=r["rule"], success=r["outcome"] == "Passed") for r in rules]


@contextmanager
def lineage_run(
    info: RunInfo, url: str | None = None, file: Path | None = None, held: Any = None
) -> Iterator[LineageRun]:
    """START before the body, FAIL (or ABORT when a quality gate held the data back) if it raises."""
    run = LineageRun(info, Emitter(file or events_file(), url))
    run.start()
    try:
        yield run
    except Exception as exc:
        from workbench.cli.gate import QualityGateError

        state = ev.RunState.ABORT if isinstance(exc, QualityGateError) else ev.RunState.FAIL
        run.fail(str(exc), state, held if state == ev.RunState.ABORT else None)
        raise


def read_events(path: Path | None = None) -> list[dict[str, Any]]:
    """The recorded events, oldest first (lines that are not JSON are skipped)."""
    path = path or events_file()
    if not path.exists():
        return []
    return [e for e in map(_parsed, path.read_text(encoding="utf-8").splitlines()) if e is not None]


def _parsed(line: str) -> dict[str, Any] | None:
    try:
        found = json.loads(line)
    except json.JSONDecodeError:
        return None
    return found if isinstance(found, dict) else None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("workbench")
    except PackageNotFoundError:
        return "0"


def _client_version() -> str:
    from importlib.metadata import version

    return version("openlineage-python")
