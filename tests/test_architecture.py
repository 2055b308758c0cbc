"""The map stays true: apps never import the project package, and modules import in one direction.

Read from the source with `ast`, so it needs no database and sees imports inside functions too.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "articles", "comments", "subscriptions", "wordpress", "readers")
# Which app may import which: core knows no app; comments and subscriptions build on articles;
# the comment form's "notify me of new posts" box starts a subscription. Moving a WordPress site
# in and out, and a reader's own page, sit on top of everything.
MAY_IMPORT = {
    "core": set(),
    "articles": {"core"},
    "subscriptions": {"core", "articles"},
    "comments": {"core", "articles", "subscriptions"},
    "wordpress": {"core", "articles", "comments", "subscriptions"},
    "readers": {"core", "articles", "comments", "subscriptions"},
}


def modules() -> dict[str, Path]:
    """Every module of our apps by dotted name, migrations left out (Django writes those)."""
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports(path: Path, name: str) -> list[tuple[str, bool]]:
    """(imported module, whether at the module's top level) for each import in the file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    top_level = {id(node) for node in tree.body}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top_level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            found.append((base, id(node) in top_level))
            # `from . import tasks` imports a module, not a name from the package.
            found += [(f"{base}.{alias.name}", id(node) in top_level) for alias in node.names]
    return found


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - node.level + 1])
    return f"{base}.{node.module}" if node.module else base


def graph(*, top_level_only: bool) -> dict[str, set[str]]:
    """Our modules and the modules of ours each one imports."""
    ours = modules()
    edges = defaultdict(set)
    for name, path in ours.items():
        for target, at_top in imports(path, name):
            if target in ours and target != name and (at_top or not top_level_only):
                edges[name].add(target)
    return edges


@pytest.mark.parametrize("app", APPS)
def test_apps_do_not_import_the_project_package(app):
    offenders = [
        f"{name} imports {target}"
        for name, path in modules().items()
        if name.split(".")[0] == app
        for target, _ in imports(path, name)
        if target == "ewview" or target.startswith("ewview.")
    ]

    assert offenders == []


def test_apps_import_only_the_apps_below_them():
    offenders = [
        f"{name} imports {target}"
        for name, targets in graph(top_level_only=False).items()
        for target in targets
        if (app := name.split(".")[0]) != (other := target.split(".")[0])
        and other not in MAY_IMPORT[app]
    ]

    assert offenders == []


@pytest.mark.parametrize("top_level_only", [True, False], ids=["module level", "any import"])
def test_no_import_cycle(top_level_only):
    # An import inside a function that closes a circle only hides it: counted too. An app's
    # `ready()` loading its receivers is registration, not a dependency, and is left out.
    edges = graph(top_level_only=top_level_only)
    for name in [name for name in edges if name.endswith(".apps")]:
        del edges[name]
    cycles = []

    def visit(name, path):
        for target in sorted(edges.get(name, ())):
            if target in path:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in finished:
                visit(target, [*path, target])
        finished.add(name)

    finished: set[str] = set()
    for name in sorted(modules()):
        if name not in finished:
            visit(name, [name])

    assert cycles == []
