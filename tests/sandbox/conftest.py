"""Browser fixtures: Playwright driving Debian's Chromium (no browser download, no network)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
EXPECT_TIMEOUT_MS = 15_000


def chromium_path() -> Path | None:
    """Debian's chromium on PATH, or where the package installs it."""
    found = shutil.which("chromium") or "/usr/bin/chromium"
    return Path(found) if Path(found).exists() else None


def _unavailable(reason: str) -> NoReturn:
    """Skip, or fail where CI says the browser must be there (CHORUS_REQUIRE_BROWSER=1)."""
    if os.environ.get("CHORUS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CHORUS_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright; no browser download)")
    executable = chromium_path()
    if executable is None:
        _unavailable(
            "no chromium binary: install Debian's chromium package (apt-get install chromium)"
        )
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def console_errors() -> list[str]:
    """JavaScript errors and console errors the page reported."""
    return []


@pytest.fixture
def page(browser: Any, console_errors: list[str]) -> Iterator[Any]:
    """A fresh page in its own browser context, recording what goes wrong in its console."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    opened = context.new_page()
    opened.set_default_timeout(EXPECT_TIMEOUT_MS)
    opened.on("pageerror", lambda error: console_errors.append(str(error)))
    opened.on(
        "console",
        lambda message: console_errors.append(message.text) if message.type == "error" else None,
    )
    yield opened
    context.close()
