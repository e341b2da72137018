"""The pure core stays pure: bot/domain imports only the standard library and itself."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[1] / "bot" / "domain"
ROOT = DOMAIN.parents[1]
OUTER_LAYERS = {"handlers", "storage"}


def imports(path: Path) -> Iterator[tuple[str, int]]:
    """Yield each absolute module name `path` imports, with its line number."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, node.lineno


def domain_files() -> list[Path]:
    return sorted(DOMAIN.rglob("*.py"))


def is_domain(module: str) -> bool:
    return module in ("bot", "bot.domain") or module.startswith("bot.domain.")


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def test_the_domain_has_modules_to_check() -> None:
    assert (DOMAIN / "workflow.py") in domain_files()


def test_the_domain_imports_only_the_standard_library() -> None:
    offending = [
        f"{where(path, line)} imports {module}"
        for path in domain_files()
        for module, line in imports(path)
        if module.split(".")[0] not in sys.stdlib_module_names | {"bot"}
    ]
    assert not offending, "bot/domain must use the standard library only:\n" + "\n".join(offending)


def test_the_domain_does_not_import_outer_layers() -> None:
    offending = [
        f"{where(path, line)} imports {module}"
        for path in domain_files()
        for module, line in imports(path)
        if set(module.split(".")) & OUTER_LAYERS
    ]
    assert not offending, "bot/domain must not depend on handlers or storage:\n" + "\n".join(
        offending
    )


def test_the_domain_imports_no_bot_services() -> None:
    offending = [
        f"{where(path, line)} imports {module}"
        for path in domain_files()
        for module, line in imports(path)
        if module.split(".")[0] == "bot" and not is_domain(module)
    ]
    assert not offending, "bot/domain must not depend on the rest of bot/:\n" + "\n".join(offending)
