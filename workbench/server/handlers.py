"""Tornado handlers of the Workbench server extension (see ``workbench.server``)."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web
from traitlets import Unicode
from traitlets.config import Configurable

from workbench.server import catalog_view, library_view
from workbench.server.paths import PathRefusedError, datasets_in, folder_under_root

LIBRARY_ENV = "WORKBENCH_LIBRARY"
CATALOG_ENV = "WORKBENCH_CATALOG"
DEFAULT_CATALOG = ".workbench/catalog.db"
API = "workbench/api"


class WorkbenchServer(Configurable):
    """Server-side options of the Workbench extension (``c.WorkbenchServer.library_url = ...``)."""

    library_url = Unicode(
        "",
        help="The recipe library the Lab side panel shows (a folder or an fsspec URL); "
        f"empty: the {LIBRARY_ENV} environment variable.",
    ).tag(config=True)

    catalog_url = Unicode(
        "",
        help="The data catalog the Lab side panel shows (a SQLite file path or sqlite:///PATH, "
        f"relative to the server root); empty: the {CATALOG_ENV} environment variable, "
        f"else {DEFAULT_CATALOG} under the server root.",
    ).tag(config=True)


class WorkbenchHandler(APIHandler):
    """Common ground: the server root, the library URL, JSON answers."""

    @property
    def root(self) -> Path:
        return Path(self.settings["workbench_root"])

    @property
    def server_options(self) -> WorkbenchServer:
        return self.settings["workbench_options"]  # type: ignore[no-any-return]

    def library_url(self) -> tuple[str, str]:
        """The library URL and where it came from: the request (Lab setting), the server's
        option, or the environment. 503 when none is set."""
        requested = (self.get_query_argument("library", "") or "").strip()
        if requested:
            return requested, "settings"
        if self.server_options.library_url:
            return self.server_options.library_url, "server"
        from_env = os.environ.get(LIBRARY_ENV, "").strip()
        if from_env:
            return from_env, "environment"
        msg = (
            "no recipe library is configured: set the library URL in the Workbench settings, "
            f"c.WorkbenchServer.library_url in the server's configuration, or {LIBRARY_ENV}"
        )
        raise web.HTTPError(503, msg)

    def catalog_url(self) -> tuple[str, str]:
        """The catalog URL and where it came from: the request (Lab setting), the server's option,
        the environment, or the default file under the server root (never missing)."""
        requested = (self.get_query_argument("catalog", "") or "").strip()
        if requested:
            return requested, "settings"
        if self.server_options.catalog_url:
            return self.server_options.catalog_url, "server"
        from_env = os.environ.get(CATALOG_ENV, "").strip()
        if from_env:
            return from_env, "environment"
        return DEFAULT_CATALOG, "default"

    def catalog_file(self) -> Path:
        url, _ = self.catalog_url()
        try:
            return catalog_view.catalog_file(url, self.root)
        except catalog_view.RefusedError as exc:
            raise web.HTTPError(400, str(exc)) from exc

    def run_catalog(self, action: Any) -> None:
        """Run a catalog read on the configured file: a bad name 400, an unknown table 404, a locked
        or corrupt catalog 503, each with its message."""
        path = self.catalog_file()
        try:
            body = action(path)
        except catalog_view.RefusedError as exc:
            raise web.HTTPError(400, str(exc)) from exc
        except catalog_view.NotFoundError as exc:
            raise web.HTTPError(404, str(exc)) from exc
        except catalog_view.UnreadableError as exc:
            raise web.HTTPError(503, str(exc)) from exc
        _, source = self.catalog_url()
        self.answer({**body, "catalogSource": source})

    def answer(self, body: dict[str, Any]) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    def run_library(self, action: Any) -> None:
        """Run a library read, turning its errors into 400 / 404 answers with its message."""
        url, _ = self.library_url()
        try:
            self.answer(action(library_view.open_library(url)))
        except library_view.NotFoundError as exc:
            raise web.HTTPError(404, str(exc)) from exc
        except library_view.RefusedError as exc:
            raise web.HTTPError(400, str(exc)) from exc


class StatusHandler(WorkbenchHandler):
    @web.authenticated
    def get(self) -> None:
        try:
            url, source = self.library_url()
        except web.HTTPError:
            url, source = None, None  # type: ignore[assignment]
        catalog, catalog_source = self.catalog_url()
        # A URL the catalog cannot open is named as given; the catalog endpoints say what is wrong.
        with contextlib.suppress(catalog_view.RefusedError):
            catalog = str(catalog_view.catalog_file(catalog, self.root))
        self.answer(
            {"library": url, "librarySource": source, "catalog": catalog, "catalogSource": catalog_source}
        )


class DatasetsHandler(WorkbenchHandler):
    @web.authenticated
    def get(self) -> None:
        relative = self.get_query_argument("dir", "")
        try:
            depth = int(self.get_query_argument("depth", "1"))
            folder = folder_under_root(self.root, relative)
        except ValueError as exc:  # PathRefusedError too
            status = 403 if isinstance(exc, PathRefusedError) else 400
            raise web.HTTPError(status, f"datasets: {exc}") from exc
        if not folder.is_dir():
            raise web.HTTPError(404, f"datasets: no folder {relative!r} under the server root")
        found = datasets_in(self.root, folder, depth)
        self.answer({"dir": relative, "datasets": [dataset.to_json() for dataset in found]})


class RecipesHandler(WorkbenchHandler):
    @web.authenticated
    def get(self) -> None:
        query = self.get_query_argument("q", "")
        self.run_library(lambda library: library_view.recipes(library, query))


class RecipeHandler(WorkbenchHandler):
    @web.authenticated
    def get(self, name: str) -> None:
        self.run_library(lambda library: library_view.recipe(library, name))


class VersionHandler(WorkbenchHandler):
    @web.authenticated
    def get(self, name: str, ref: str) -> None:
        self.run_library(lambda library: library_view.version(library, name, ref))


class DiffHandler(WorkbenchHandler):
    @web.authenticated
    def get(self) -> None:
        name = self.get_query_argument("name", "")
        old = self.get_query_argument("from", "")
        new = self.get_query_argument("to", "")
        self.run_library(lambda library: library_view.diff(library, name, old, new))


class CatalogTablesHandler(WorkbenchHandler):
    @web.authenticated
    def get(self) -> None:
        query = self.get_query_argument("q", "")
        self.run_catalog(lambda path: catalog_view.tables(path, query))


class CatalogTableHandler(WorkbenchHandler):
    @web.authenticated
    def get(self, name: str) -> None:
        self.run_catalog(lambda path: catalog_view.table(path, name))


def setup_handlers(serverapp: Any) -> None:
    web_app = serverapp.web_app
    options = WorkbenchServer(parent=serverapp)
    web_app.settings["workbench_options"] = options
    web_app.settings["workbench_root"] = str(Path(serverapp.root_dir).expanduser().resolve())
    base = url_path_join(web_app.settings["base_url"], API)
    # Names and refs are one path segment each ([^/]+); the library checks them further.
    routes = [
        ("status", StatusHandler),
        ("datasets", DatasetsHandler),
        ("library/recipes", RecipesHandler),
        ("library/recipes/([^/]+)", RecipeHandler),
        ("library/recipes/([^/]+)/versions/([^/]+)", VersionHandler),
        ("library/diff", DiffHandler),
        ("catalog/tables", CatalogTablesHandler),
        ("catalog/tables/([^/]+)", CatalogTableHandler),
    ]
    web_app.add_handlers(".*$", [(url_path_join(base, path) + "$", handler) for path, handler in routes])
    serverapp.log.info("Workbench server extension: REST endpoints under /%s", API)
