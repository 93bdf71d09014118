"""The engine's imports: no circle between its modules, and nothing from above it."""

import ast
from pathlib import Path

import coopnet.engine

ENGINE = Path(coopnet.engine.__file__).parent
SOURCE = ENGINE.parent.parent


def module_name(path: Path) -> str:
    name = ".".join(path.relative_to(SOURCE).with_suffix("").parts)
    return name.removesuffix(".__init__")


MODULES = {module_name(path): path for path in ENGINE.rglob("*.py")}


def imported(path: Path) -> set[str]:
    """Every module a file imports (`from a import b` counts as a.b when b is a module)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                names.add(full if full in MODULES else node.module)
    return names


GRAPH = {name: imported(path) & MODULES.keys() - {name} for name, path in MODULES.items()}


def circles() -> list[list[str]]:
    """Every import circle found by a depth-first walk (each reported from where it closes)."""
    found: list[list[str]] = []
    done: set[str] = set()

    def walk(name: str, trail: list[str]) -> None:
        if name in trail:
            found.append([*trail[trail.index(name) :], name])
            return
        if name in done:
            return
        for target in sorted(GRAPH[name]):
            walk(target, [*trail, name])
        done.add(name)

    for name in sorted(GRAPH):
        walk(name, [])
    return found


def test_the_walk_sees_the_engine_and_its_packages():
    assert {"coopnet.engine.formation.solve", "coopnet.engine.games.concepts"} <= MODULES.keys()
    assert "coopnet.engine.formation.diagnosis" in GRAPH["coopnet.engine.formation.solve"]


def test_no_import_circle_in_the_engine():
    assert circles() == []


def test_the_engine_imports_no_framework_and_nothing_above_it():
    outside = {
        name: sorted(
            target
            for target in imported(path)
            if target.split(".")[0] in ("django", "ninja", "psycopg", "rich", "typer")
            or (target.startswith("coopnet.") and not target.startswith("coopnet.engine"))
        )
        for name, path in MODULES.items()
    }
    assert {name: targets for name, targets in outside.items() if targets} == {}
