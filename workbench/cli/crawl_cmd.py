"""``workbench crawl URL… --database DB``: find tables under folders and object-store prefixes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from workbench.catalog.crawlers.config import SCHEMA_CHANGE_POLICIES, VANISHED_POLICIES, CrawlConfigError


def _named(kind: str, values: tuple[str, ...]) -> list[dict[str, Any]]:
    out = []
    for text in values:
        name, eq, body = text.partition("=")
        if not eq or not name or not body:
            raise CrawlConfigError(f"--{kind} takes NAME=VALUE, not {text!r}")
        if kind == "csv":
            out.append({"name": name, "type": "csv", "delimiter": body.replace("\\t", "\t")})
        else:
            out.append({"name": name, "type": kind, "pattern": body})
    return out


def register(cli: click.Group, guard: Callable[..., Any], console: Console) -> None:
    """Add ``crawl`` to ``cli``."""

    @cli.command("crawl")
    @click.argument("urls", nargs=-1, required=True, metavar="URL...")
    @click.option("--database", "-d", required=True, help="The catalog database the tables go to.")
    @click.option(
        "--catalog",
        "catalog_url",
        metavar="URL",
        help="The catalog file (default: env WORKBENCH_CATALOG, then .workbench/catalog.db).",
    )
    @click.option(
        "--config", "config_path", type=click.Path(dir_okay=False), help="Crawl settings (YAML or JSON)."
    )
    @click.option(
        "--on-schema-change",
        type=click.Choice(SCHEMA_CHANGE_POLICIES, case_sensitive=False),
        help="A table's columns changed: report it, add a schema version (default), or write nothing.",
    )
    @click.option(
        "--on-vanished",
        type=click.Choice(VANISHED_POLICIES, case_sensitive=False),
        help="A table's or partition's data is gone: report it, deprecate it (default), or delete it.",
    )
    @click.option(
        "--exclude", multiple=True, metavar="GLOB", help="Leave out matching paths (** spans folders)."
    )
    @click.option("--table-level", type=int, help="Make the tables at this folder depth (0: the URL itself).")
    @click.option("--similarity", type=float, help="Share of columns folders must share to merge (0.7).")
    @click.option("--max-schemas", type=int, help="More distinct schemas than this are kept apart (5).")
    @click.option("--sample-bytes", type=int, help="Bytes read from each text file to infer it (1 MiB).")
    @click.option("--sample-rows", type=int, help="Rows of each file that decide its schema (1000).")
    @click.option(
        "--files-per-folder", type=int, help="Classify at most N files of each extension per folder."
    )
    @click.option(
        "--csv", "csv_classifiers", multiple=True, metavar="NAME=DELIMITER", help="A CSV classifier."
    )
    @click.option(
        "--regex", "regex_classifiers", multiple=True, metavar="NAME=PATTERN", help="A regex classifier."
    )
    @click.option(
        "--grok", "grok_classifiers", multiple=True, metavar="NAME=PATTERN", help="A grok classifier."
    )
    @click.option("--no-pii", is_flag=True, help="Do not run the PII detection on new tables.")
    @click.option("--json", "as_json", is_flag=True, help="Print the report as JSON to stdout.")
    @guard
    def crawl_command(
        urls: tuple[str, ...],
        database: str,
        catalog_url: str | None,
        config_path: str | None,
        csv_classifiers: tuple[str, ...],
        regex_classifiers: tuple[str, ...],
        grok_classifiers: tuple[str, ...],
        no_pii: bool,
        as_json: bool,
        **settings: Any,
    ) -> None:
        """Crawl folders or object-store prefixes (s3://…) into catalog tables, and report what changed.

        Classifies each changed folder's files, groups folders into partitioned tables (every
        decision explained), records schema versions, tags sensitive columns, and applies the
        change policies; a recrawl reads only the folders that changed.
        """
        from workbench.catalog.crawlers import CrawlConfig, crawl

        classifiers = _named("csv", csv_classifiers) + _named("regex", regex_classifiers)
        classifiers += _named("grok", grok_classifiers)
        # An option not given (None, or an empty tuple for --exclude) leaves the file's setting.
        given = {
            k: list(v) if isinstance(v, tuple) else v for k, v in settings.items() if v not in (None, ())
        }
        config = CrawlConfig.build(config_path, **given)
        config.classifiers = classifiers + config.classifiers
        config.pii = config.pii and not no_pii
        report = _crawl_with_progress(crawl, urls, database, catalog_url, config, console)
        if as_json:
            click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str))
        else:
            report.print(Console(highlight=False, soft_wrap=True))
        if report.failed:
            sys.exit(1)


def _crawl_with_progress(
    crawl: Callable[..., Any],
    urls: tuple[str, ...],
    database: str,
    catalog_url: str | None,
    config: Any,
    console: Console,
) -> Any:
    columns = (TextColumn("reading files"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("crawl", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return crawl(list(urls), database=database, catalog=catalog_url, config=config, progress=progress)
