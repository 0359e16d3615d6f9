"""``workbench run --bookmark NAME``: process only the input files earlier runs did not.

One run, in order (see docs/jobs.md for why this gives exactly-once):

1. take the output folder's lock; finish what a killed run left: withdraw rewound runs from the
   manifest, record runs the manifest lists but the bookmark does not (roll forward), remove
   files the manifest does not list;
2. list the input files, and keep those whose (path, size, mtime) no committed run processed
   (on an object store: key, size and ETag; see ``workbench.jobs.sources``);
3. read exactly those files, replay the recipe (conversion failures and row-level rule failures
   to the dead letters), with retries of transient failures;
4. publish the run's file ``run-<id>.<ext>`` (staging, rename) and its dead letters;
5. add the run to ``_manifest.json`` (atomic replace) — from here the run's rows are published;
6. commit the run and its input files to the bookmark store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import glob
import secrets as random_tokens
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.core.errors import DataIOError, RecipeError
from workbench.io.formats import Format, check_where, data_files, format_of_name, is_table_name
from workbench.io.locations import refuse_remote_output, remote_url
from workbench.jobs.bookmarks import BookmarkStore, FileState
from workbench.jobs.faults import WITHDRAW_POINT, fault_point
from workbench.jobs.manifest import (
    RUN_PREFIX,
    Entry,
    Manifest,
    folder_lock,
    now,
    remove,
    unlisted,
)
from workbench.jobs.retry import Attempts, RetryPolicy, retrying
from workbench.jobs.sources import refuse_on_connect, remote_states, staged, table_states

MODES = ("enable", "pause", "reset")


@dataclasses.dataclass
class IncrementalResult:
    """What a bookmarked run did: files new, skipped and changed, rows, dead letters, attempts."""

    bookmark: str
    mode: str
    engine: str
    steps: int
    run_id: str | None = None
    files_new: int = 0
    files_skipped: int = 0
    files_changed: int = 0
    rows_in: int | None = 0
    rows_out: int | None = 0
    dead_letters: int = 0
    attempts: int = 0
    seconds: float = 0.0
    output: str = ""
    recovered: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    gate: Any = None
    """Always None: row-level rules send rows to the dead letters instead of gating the output."""

    def summary(self) -> str:
        """The summary line printed after every run."""
        rows_in = "?" if self.rows_in is None else f"{self.rows_in:,}"
        rows_out = "?" if self.rows_out is None else f"{self.rows_out:,}"
        changed = f" ({self.files_changed} changed since processed)" if self.files_changed else ""
        where = f" -> {self.output}" if self.run_id else " (nothing new to process)"
        advanced = {"pause": "bookmark paused, not advanced", "enable": "bookmark advanced"}
        state = advanced.get(self.mode, "bookmark reset, then advanced")
        state = state if self.run_id else "bookmark unchanged"
        return (
            f"bookmark {self.bookmark}: {self.files_new} new files{changed}, {self.files_skipped} skipped; "
            f"{rows_in} rows in, {rows_out} rows out, {self.dead_letters:,} dead letters; "
            f"{self.attempts} attempt{'s' if self.attempts != 1 else ''}; "
            f"{self.steps} steps on {self.engine}, {self.seconds:.2f} s; {state}{where}"
        )


@dataclasses.dataclass(frozen=True)
class Batch:
    """What one run reads and where it writes."""

    files: list[Path]
    states: list[FileState]
    fmt: Format
    output: Path
    dead_letter: Path | None
    remote: list[str] | None = None
    """The objects to copy for each attempt when the input is on an object store (``files`` then
    holds the copies of the attempt under way)."""
    table: Any = None
    """The new files of a ``catalog:DB.TABLE`` input, as a catalog selection (with their partition
    keys); ``files`` is then empty."""


@dataclasses.dataclass(frozen=True)
class IncrementalJob:
    """A bookmarked run's settings."""

    recipe: Any
    input_spec: Path | str
    output: Path
    bookmark: str
    mode: str = "enable"
    engine: str = "pandas"
    spark_remote: str | None = None
    datasets: dict[str, Path] = dataclasses.field(default_factory=dict)
    csv: Any = None
    secrets: Any = None
    retry: RetryPolicy = dataclasses.field(default_factory=RetryPolicy)
    dead_letter: Path | None = None
    ruleset: Any = None
    overwrite: bool = False
    storage_options: dict[str, Any] | None = None
    """fsspec's options for an input on an object store (else fsspec's own configuration)."""
    where: str | None = None
    """For a ``catalog:DB.TABLE`` input: the partitions to consider (``--where``)."""

    @property
    def input_name(self) -> str:
        """The input as the user named it: a path, a glob or an object-store URL."""
        return remote_url(self.input_spec) or str(self.input_spec)


def run_incremental(
    job: IncrementalJob, log: Callable[[str], None], store: BookmarkStore | None = None
) -> IncrementalResult:
    """Run ``job``: the new input files only; publish, add to the manifest, then commit."""
    from workbench.jobs.incremental import check_incremental

    if job.mode not in MODES:
        raise RecipeError(f"--bookmark-mode {job.mode!r} is not one of {', '.join(MODES)}")
    _check_locations(job)
    store = store or BookmarkStore()
    started = time.perf_counter()
    steps = sum(1 for s in job.recipe.steps if not s.disabled)
    result = IncrementalResult(job.bookmark, job.mode, job.engine, steps, output=str(job.output))
    result.warnings = check_incremental(job.recipe)
    for warning in result.warnings:
        log(f"warning: {warning}")
    if job.mode == "pause":
        _run_paused(job, store, result, log)
    else:
        _run_bookmarked(job, store, result, log)
    result.seconds = time.perf_counter() - started
    return result


def _run_bookmarked(job: IncrementalJob, store: BookmarkStore, result: IncrementalResult, log: Any) -> None:
    folder = job.output.resolve()
    _check_folder(folder, job)
    store.ensure(job.bookmark, job.input_name, str(folder))
    with folder_lock(folder):
        if job.mode == "reset":
            withdrawn = store.mark_withdrawing(job.bookmark, None)
            log(f"bookmark {job.bookmark}: reset, withdrawing {len(withdrawn)} earlier runs")
        result.recovered = reconcile(store, job.bookmark, folder, log, job.dead_letter)
        run_id = new_run_id()
        batch = _select(job, store, result, log, run_id)
        if batch is None:
            return
        fault_point("before-read")
        rows_in, rows_out, dead = _attempt(job, batch, result, log)
        fault_point("after-publish")
        entry = Entry(
            file=batch.output.name,
            run=run_id,
            bookmark=job.bookmark,
            rows=rows_out,
            inputs=tuple(s.to_json() for s in batch.states),
            dead_letters=str(batch.dead_letter) if dead else None,
            dead_letter_rows=dead,
            published_at=now(),
        )
        Manifest.read(folder).with_entry(entry).save()
        fault_point("after-manifest")
        store.commit(job.bookmark, run_id, batch.states, batch.output.name, rows_out)
        fault_point("after-commit")
        result.run_id, result.rows_in, result.rows_out, result.dead_letters = run_id, rows_in, rows_out, dead
        result.output = str(batch.output)


def _run_paused(job: IncrementalJob, store: BookmarkStore, result: IncrementalResult, log: Any) -> None:
    """Process the files the bookmark has not, into a plain output; the bookmark stays as it was."""
    from workbench.io.publish import check_output

    found = store.find(job.bookmark)
    if found is not None and Path(found.output) == job.output.resolve():
        raise RecipeError(
            f"--bookmark-mode pause reads without advancing bookmark {job.bookmark!r}, so its output "
            f"cannot go to the bookmark's folder {found.output!r} (the next run would publish the same rows "
            f"again); give another --output file"
        )
    format_of_name(job.output)
    check_output(job.output, job.overwrite, input_roots(job.input_spec))
    _check_dead_letter(job, job.output)
    batch = _select(job, store, result, log, new_run_id(), output=job.output)
    if batch is None:
        return
    rows_in, rows_out, dead = _attempt(job, batch, result, log)
    result.run_id, result.rows_in, result.rows_out, result.dead_letters = "paused", rows_in, rows_out, dead


@dataclasses.dataclass
class OnceResult:
    """What a run without a bookmark but with dead letters did."""

    engine: str
    steps: int
    rows_in: int | None
    rows_out: int | None
    dead_letters: int
    dead_letter_file: str | None
    attempts: int
    seconds: float
    output: str
    gate: Any = None

    def summary(self) -> str:
        """The summary line printed after the run."""
        rows_in = "?" if self.rows_in is None else f"{self.rows_in:,}"
        rows_out = "?" if self.rows_out is None else f"{self.rows_out:,}"
        dead = f" ({self.dead_letter_file})" if self.dead_letters else ""
        attempts = f"{self.attempts} attempt" + ("s" if self.attempts != 1 else "")
        return (
            f"{self.steps} steps on {self.engine}, {rows_in} rows in, {rows_out} rows out, "
            f"{self.dead_letters:,} dead letters{dead}; {attempts}; {self.seconds:.2f} s -> {self.output}"
        )


def run_once(job: IncrementalJob, log: Callable[[str], None]) -> OnceResult:
    """A run over all of the input, without a bookmark, whose rejected rows go to the dead letters.

    The output is an ordinary file, written atomically (replaced only with ``overwrite``); the
    dead letters go to ``DIR/run-<run id>.jsonl``.
    """
    from workbench.io.publish import check_output

    started = time.perf_counter()
    _check_locations(job)
    format_of_name(job.output)
    check_output(job.output, job.overwrite, input_roots(job.input_spec))
    _check_dead_letter(job, job.output)
    run_id = new_run_id()
    dead = job.dead_letter.resolve() / f"{RUN_PREFIX}{run_id}.jsonl" if job.dead_letter else None
    listing = _listed(job, log)
    batch = _batch(job, listing, listing.states, job.output, dead)
    scratch = IncrementalResult("", "once", job.engine, 0)
    rows_in, rows_out, count = _attempt(job, batch, scratch, log)
    steps = sum(1 for s in job.recipe.steps if not s.disabled)
    seconds = time.perf_counter() - started
    where = str(dead) if count else None
    return OnceResult(
        job.engine, steps, rows_in, rows_out, count, where, scratch.attempts, seconds, str(job.output)
    )


def _check_folder(folder: Path, job: IncrementalJob) -> None:
    if folder.exists() and not folder.is_dir():
        raise RecipeError(f"with --bookmark, --output is a folder; {str(job.output)!r} is a file")
    for source in [*input_roots(job.input_spec), *job.datasets.values()]:
        if _overlaps(folder, source):
            raise RecipeError(
                f"output folder {str(job.output)!r} overlaps the input {str(source)!r}; choose another folder"
            )
    _check_dead_letter(job, folder)


def _check_dead_letter(job: IncrementalJob, output: Path) -> None:
    """The dead-letter folder may not overlap an input (the next run would read it) or the output."""
    if job.dead_letter is None:
        return
    for other in [*input_roots(job.input_spec), *job.datasets.values(), output]:
        if _overlaps(job.dead_letter.resolve(), other):
            raise RecipeError(
                f"dead-letter folder {str(job.dead_letter)!r} overlaps {str(other)!r}; choose another folder"
            )


def _overlaps(a: Path, b: Path) -> bool:
    a, b = a.resolve(), b.resolve()
    return a == b or a.is_relative_to(b) or b.is_relative_to(a)


def reconcile(
    store: BookmarkStore,
    name: str,
    folder: Path,
    log: Callable[[str], None],
    dead_letter: Path | None = None,
) -> list[str]:
    """Finish what killed runs of bookmark ``name`` left in ``folder`` (hold the folder's lock).

    Rewound runs are taken out of the manifest and then forgotten; runs the manifest lists but
    the store has not committed (killed after publishing) are committed from the manifest's
    record of their input files; files the manifest does not list are removed.
    Returns the runs committed this way.
    """
    manifest = Manifest.read(folder)
    withdrawing = set(store.withdrawing(name))
    if withdrawing:
        gone = [e for e in manifest.entries if e.run in withdrawing]
        manifest = manifest.without_runs(withdrawing)
        manifest.save()
        fault_point(WITHDRAW_POINT)
        for entry in gone:
            remove(folder / entry.file)
            if entry.dead_letters:
                remove(Path(entry.dead_letters))
        store.forget(name, sorted(withdrawing))
    committed = {r.run_id for r in store.get(name).runs}
    recovered = []
    for entry in manifest.entries:
        if entry.bookmark == name and entry.run not in committed:
            files = [FileState.from_json(i) for i in entry.inputs]
            store.commit(name, entry.run, files, entry.file, entry.rows)
            recovered.append(entry.run)
            log(f"run {entry.run} was published but its bookmark not committed; committed it now")
    for path in unlisted(manifest):
        remove(path)
    if dead_letter is not None:
        _remove_unlisted_dead_letters(manifest, name, dead_letter.resolve())
    return recovered


def _remove_unlisted_dead_letters(manifest: Manifest, name: str, folder: Path) -> None:
    """Dead letters of runs of ``name`` killed before their manifest entry (they are written again)."""
    listed = {e.dead_letters for e in manifest.entries if e.dead_letters}
    if folder.is_dir():
        for path in folder.glob(f"{name}-{RUN_PREFIX}*"):
            if str(path) not in listed:
                remove(path)
        for path in folder.glob(f".{name}-{RUN_PREFIX}*"):
            remove(path)  # staging of a killed writer


def withdraw(store: BookmarkStore, name: str, after: str | None, log: Callable[[str], None]) -> list[str]:
    """Rewind bookmark ``name`` to run ``after`` (all runs when None): later runs' output is withdrawn.

    The runs are marked first, then taken out of the manifest, then forgotten: a rewind killed
    midway is finished by the next run or rewind of the bookmark, never half-applied.
    """
    bookmark = store.get(name)
    folder = Path(bookmark.output)
    with folder_lock(folder):
        later = store.mark_withdrawing(name, after)
        reconcile(store, name, folder, log)
    return later


def _select(
    job: IncrementalJob,
    store: BookmarkStore,
    result: IncrementalResult,
    log: Callable[[str], None],
    run_id: str,
    output: Path | None = None,
) -> Batch | None:
    done = store.processed_states(job.bookmark)
    seen_paths = {s.path for s in done}
    identity = "size or ETag" if remote_url(job.input_spec) else "size or modification time"
    new: list[FileState] = []
    listing = _listed(job, log)
    for state in listing.states:
        if state in done:
            result.files_skipped += 1
            continue
        if state.path in seen_paths:
            result.files_changed += 1
            log(
                f"warning: {state.path} changed ({identity}) since a run processed it; "
                f"processing it again as a new file (its earlier rows stay published)"
            )
        new.append(state)
    result.files_new = len(new)
    if not new:
        return None
    out = output or job.output.resolve() / f"{RUN_PREFIX}{run_id}{_run_suffix(job.output)}"
    dead = None
    if job.dead_letter is not None:
        dead = job.dead_letter.resolve() / f"{job.bookmark}-{RUN_PREFIX}{run_id}.jsonl"
    return _batch(job, listing, new, out, dead)


@dataclasses.dataclass(frozen=True)
class Listing:
    """The input's data files now, and for a catalog table the selection they came from."""

    states: list[FileState]
    table: Any = None


def _listed(job: IncrementalJob, log: Callable[[str], None]) -> Listing:
    """The input's data files now; an object store's listing is retried as reads are."""
    if is_table_name(job.input_spec):
        found = retrying(
            lambda: table_states(str(job.input_spec), job.where, job.storage_options), job.retry, log
        )
        return Listing(found[1], found[0])
    check_where(job.where, job.input_spec)
    url = remote_url(job.input_spec)
    if url is None:
        return Listing([FileState.of(path) for path in input_files(Path(job.input_spec))])
    return Listing(retrying(lambda: remote_states(url, job.storage_options), job.retry, log))


def _batch(
    job: IncrementalJob, listing: Listing, states: list[FileState], output: Path, dead: Path | None
) -> Batch:
    if listing.table is not None:
        chosen = listing.table.narrowed({s.path for s in states})
        return Batch([], states, chosen.fmt, output, dead, table=chosen)
    fmt = _one_format([Path(s.path.split("://", 1)[-1]) for s in states])
    if remote_url(job.input_spec) is None:
        return Batch([Path(s.path) for s in states], states, fmt, output, dead)
    return Batch([], states, fmt, output, dead, remote=[s.path for s in states])


def _check_locations(job: IncrementalJob) -> None:
    """Refuse object-store outputs, and object-store inputs a Spark Connect cluster cannot read."""
    refuse_remote_output(job.output)
    if job.dead_letter is not None:
        refuse_remote_output(job.dead_letter, "dead-letter folder")
    url = remote_url(job.input_spec)
    if url is not None and job.engine == "spark":
        refuse_on_connect(url, job.spark_remote)


def _run_suffix(folder: Path) -> str:
    suffix = folder.suffix.lower()
    return suffix if suffix in {".csv", ".parquet", ".jsonl"} else ".parquet"


def _one_format(files: list[Path]) -> Format:
    formats = {format_of_name(f) for f in files}
    if len(formats) > 1:
        raise DataIOError(f"the new input files mix formats {sorted(f.value for f in formats)}")
    return formats.pop()


def input_roots(spec: Path | str) -> list[Path]:
    """The local folder or file an input names (a glob's fixed leading part, a catalog table's
    folder); none on an object store."""
    if is_table_name(spec):
        return _table_roots(str(spec))
    if remote_url(spec) is not None:
        return []
    text = str(spec)
    if not glob.has_magic(text):
        return [Path(spec)]
    fixed = []
    for part in Path(text).parts:
        if glob.has_magic(part):
            break
        fixed.append(part)
    return [Path(*fixed)] if fixed else [Path(".")]


def _table_roots(name: str) -> list[Path]:
    from workbench.catalog.tables import table_folder

    folder = table_folder(name)
    return [] if folder is None else [folder]


def input_files(spec: Path) -> list[Path]:
    """The data files an input names: a file, a folder (through its manifest if it has one), a glob."""
    text = str(spec)
    if not glob.has_magic(text):
        return [p.resolve() for p in data_files(spec)]
    found = sorted(
        Path(p).resolve()
        for p in glob.glob(text, recursive=True)
        if Path(p).is_file() and Path(p).suffix.lower() in {".csv", ".parquet", ".jsonl"}
    )
    if not found:
        raise DataIOError(f"no .csv, .parquet or .jsonl files match {text!r}")
    return found


def new_run_id() -> str:
    """A run id that sorts by time: ``20261203T122716Z-3f9a1c``."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{random_tokens.token_hex(3)}"


def _attempt(
    job: IncrementalJob, batch: Batch, result: IncrementalResult, log: Callable[[str], None]
) -> tuple[int | None, int | None, int]:
    attempts = Attempts()
    try:
        return retrying(lambda: _process(job, batch), job.retry, log, attempts=attempts)
    finally:
        result.attempts = attempts.count


def _process(job: IncrementalJob, batch: Batch) -> tuple[int | None, int | None, int]:
    if batch.remote is None:
        return _process_files(job, batch)
    with staged(batch.remote, job.storage_options) as copies:
        return _process_files(job, dataclasses.replace(batch, files=copies))


def _process_files(job: IncrementalJob, batch: Batch) -> tuple[int | None, int | None, int]:
    if job.engine == "spark":
        from workbench.jobs.batch import process_spark

        return process_spark(job, batch)
    from workbench.jobs.batch import process_pandas

    return process_pandas(job, batch)
