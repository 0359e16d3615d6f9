"""Streaming on pandas: the same loop as a Spark stream, by polling the input folder with a bookmark.

Each poll is one bookmarked run (see :mod:`workbench.jobs.run`) over the files that arrived since
the last one: its output file is published and listed in the output folder's manifest before the
bookmark is committed, so the exactly-once argument of bookmarked runs holds for every batch. The
bookmark store lives in the checkpoint folder, as Spark's checkpoint does for a Spark stream.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from workbench.streaming.spark_stream import BatchRecord, StreamJob, check_folders

BOOKMARK = "stream"


def run_polling_stream(job: StreamJob, log: Callable[[str], None]) -> list[BatchRecord]:
    """Poll ``job.input`` every ``job.interval`` seconds (once with ``job.once``), one run per poll."""
    from workbench.jobs.bookmarks import BookmarkStore

    check_folders(job)
    store = BookmarkStore(job.checkpoint / "bookmarks.db")
    deadline = None if job.timeout is None else time.monotonic() + job.timeout
    batches: list[BatchRecord] = []
    try:
        while True:
            record = _poll(job, store, log, len(batches))
            if record is not None:
                batches.append(record)
                log(record.line())
            if job.once or (deadline is not None and time.monotonic() >= deadline):
                return batches
            time.sleep(job.interval)
    except KeyboardInterrupt:
        log("interrupted: the last batch was published and committed, or will be run again")
        return batches


def _poll(job: StreamJob, store: Any, log: Callable[[str], None], number: int) -> BatchRecord | None:
    from workbench.jobs.run import IncrementalJob, run_incremental

    bookmarked = IncrementalJob(
        recipe=job.recipe,
        input_spec=job.input,
        output=job.output,
        bookmark=BOOKMARK,
        engine="pandas",
        csv=job.csv,
        ruleset=job.gate,
        dead_letter=job.dead_letter,
    )
    result = run_incremental(bookmarked, log, store)
    if result.run_id is None:
        return None
    return BatchRecord(
        number, result.rows_in, result.rows_out, "published", result.output, result.dead_letters
    )
