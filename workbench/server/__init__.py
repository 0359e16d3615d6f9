"""The Workbench jupyter_server extension: the REST endpoints behind the JupyterLab side panel.

Enabled on install (``jupyter-config/jupyter_server_config.d/workbench.json``, shipped to
``etc/jupyter``). Its handlers sit under ``/workbench/api/`` behind the server's authentication:

- ``GET /workbench/api/status``: the library URL in use and where it came from;
- ``GET /workbench/api/datasets?dir=D&depth=N``: the data files in folder D of the server root;
- ``GET /workbench/api/library/recipes?q=Q``: the library's recipes, searched;
- ``GET /workbench/api/library/recipes/NAME``: a recipe's versions and aliases;
- ``GET /workbench/api/library/recipes/NAME/versions/REF``: one version with its steps;
- ``GET /workbench/api/library/diff?name=NAME&from=A&to=B``: the step diff between two versions;
- ``GET /workbench/api/catalog/tables?q=Q``: the data catalog's tables, searched;
- ``GET /workbench/api/catalog/tables/DB.TABLE``: one table's schema, tags, partitions and versions.

The library is the one the CLI uses: ``library=URL`` on the request (the Lab setting), else the
``WorkbenchServer.library_url`` server option, else ``WORKBENCH_LIBRARY``. The catalog likewise:
``catalog=URL``, ``WorkbenchServer.catalog_url``, ``WORKBENCH_CATALOG``, else
``.workbench/catalog.db`` under the server root.
"""

from __future__ import annotations

from typing import Any


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "workbench.server"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    from workbench.server.handlers import setup_handlers

    setup_handlers(serverapp)


# The name jupyter_server 1.x looked for; kept so either finds the extension.
load_jupyter_server_extension = _load_jupyter_server_extension
