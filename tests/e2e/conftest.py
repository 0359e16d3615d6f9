"""Fixtures of the browser tests: one JupyterLab 4 and one Notebook 7 server per test session, on
loopback, serving a temporary copy of the quickstart notebook and the sample data; Debian's Chromium
driven by Playwright; a screenshot of every test in test-artifacts/e2e/.

Without Chromium or the built widget these tests skip, except under CI=true, where they fail:
in CI a skipped browser test does not count.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.servers import JupyterServer, start_server, stop_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
WIDGET_BUNDLE = REPO / "workbench" / "widget" / "static" / "widget.js"
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", REPO / "test-artifacts" / "e2e"))
# What a quiet headless start on a closed network needs.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1440, "height": 1000}
DEFAULT_TIMEOUT_MS = 30_000


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def missing(what: str) -> None:
    """Skip the browser tests on a developer machine; fail them in CI."""
    if in_ci():
        pytest.fail(f"{what} (CI=true: browser tests must run, not skip)", pytrace=False)
    pytest.skip(what)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        missing(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (as root)")
    return CHROMIUM


@pytest.fixture(scope="session")
def widget_bundle() -> Path:
    if not WIDGET_BUNDLE.exists():
        missing(f"the widget frontend is not built ({WIDGET_BUNDLE}): run `make frontend`")
    return WIDGET_BUNDLE


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def served_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory the servers serve: notebooks/quickstart.ipynb and data/sales.csv, as in the repo,
    so the quickstart's relative paths work and its autosaved recipes stay out of the repo."""
    root = tmp_path_factory.mktemp("served")
    (root / "notebooks").mkdir()
    (root / "data").mkdir()
    shutil.copy(REPO / "notebooks" / "quickstart.ipynb", root / "notebooks" / "quickstart.ipynb")
    shutil.copy(REPO / "data" / "sales.csv", root / "data" / "sales.csv")
    return root


def serve(app: str, root: Path, state: Path, artifacts: Path) -> Iterator[JupyterServer]:
    # The Lab side panel and the kernels read the recipe library the CLI would (WORKBENCH_LIBRARY).
    library = {"WORKBENCH_LIBRARY": str(root / "library")}
    server = start_server(app, root, state, artifacts / f"jupyter-{app}.log", extra_env=library)
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture(scope="session")
def lab_server(
    served_root: Path, artifacts: Path, tmp_path_factory: pytest.TempPathFactory, widget_bundle: Path
) -> Iterator[JupyterServer]:
    yield from serve("lab", served_root, tmp_path_factory.mktemp("lab-state"), artifacts)


@pytest.fixture(scope="session")
def notebook7_server(
    served_root: Path, artifacts: Path, tmp_path_factory: pytest.TempPathFactory, widget_bundle: Path
) -> Iterator[JupyterServer]:
    yield from serve("notebook", served_root, tmp_path_factory.mktemp("notebook7-state"), artifacts)


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_FLAGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, artifacts: Path, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser page; afterwards a full-page screenshot of it (and a console log on failure)."""
    context = browser.new_context(viewport=VIEWPORT)
    new_page = context.new_page()
    new_page.set_default_timeout(DEFAULT_TIMEOUT_MS)
    console: list[str] = []
    new_page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    new_page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    yield new_page
    failed = call_failed(request.node)
    name = artifact_name(request.node.name) + ("-FAILED" if failed else "")
    save_screenshot(new_page, artifacts / f"{name}.png")
    if failed:
        (artifacts / f"{name}-console.txt").write_text("\n".join(console), encoding="utf-8")
    context.close()


@pytest.fixture
def shutdown_kernels_after(request: pytest.FixtureRequest) -> Iterator[None]:
    """Shut down every kernel of the servers this test used, so idle kernels do not pile up."""
    yield
    for name in ("lab_server", "notebook7_server"):
        if name in request.fixturenames:
            shutdown_kernels(request.getfixturevalue(name))


def shutdown_kernels(server: JupyterServer) -> None:
    kernels_url = f"{server.base_url}/api/kernels"
    headers = {"Authorization": f"token {server.token}"}
    with urllib.request.urlopen(urllib.request.Request(kernels_url, headers=headers), timeout=10) as answer:
        kernels: list[dict[str, Any]] = json.load(answer)
    for kernel in kernels:
        request = urllib.request.Request(f"{kernels_url}/{kernel['id']}", headers=headers, method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


def save_screenshot(page: Page, path: Path) -> None:
    """The page, with the first workbench on the page scrolled into view when there is one."""
    try:
        widgets = page.get_by_test_id("wb-root")
        if widgets.count() and widgets.first.is_visible():
            widgets.first.scroll_into_view_if_needed(timeout=2_000)
        page.screenshot(path=str(path), full_page=True)
    except Exception as exc:  # a crashed page must not hide the test's own failure
        path.with_suffix(".txt").write_text(f"no screenshot: {exc}", encoding="utf-8")


def artifact_name(test_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)


def call_failed(item: pytest.Item) -> bool:
    report = getattr(item, "e2e_call_report", None)
    return report is not None and report.failed


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    report = yield
    if report.when == "call":
        item.e2e_call_report = report  # type: ignore[attr-defined]
    return report
