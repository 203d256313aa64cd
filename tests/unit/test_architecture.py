"""The import graph has no circles at all, type-only imports included.

import-linter (``make lint``) enforces the layer contracts between packages; this
test looks at every module, so a circle inside one package fails here too.
"""

from __future__ import annotations

import grimp


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_package_has_no_import_cycles() -> None:
    graph = grimp.build_graph("oidc_probe", include_external_packages=False)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    assert _cycles(graph) == [["pkg.a", "pkg.b"]]


def _upward_from_core(graph: grimp.ImportGraph) -> list[tuple[str, str]]:
    """Imports from ``oidc_probe.core`` to any other part of the package."""
    core = "oidc_probe.core"
    return sorted(
        (importer, imported)
        for importer in graph.modules
        if importer == core or importer.startswith(f"{core}.")
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported.startswith("oidc_probe.")
        and not (imported == core or imported.startswith(f"{core}."))
    )


def test_core_imports_nothing_above_it_type_only_imports_included() -> None:
    """import-linter skips ``if TYPE_CHECKING:`` imports (pyproject); this test does not."""
    graph = grimp.build_graph("oidc_probe", include_external_packages=False)
    assert _upward_from_core(graph) == []


def test_the_core_check_sees_a_type_only_import() -> None:
    graph = grimp.ImportGraph()
    for name in ("oidc_probe", "oidc_probe.core", "oidc_probe.core.a", "oidc_probe.access"):
        graph.add_module(name)
    graph.add_import(importer="oidc_probe.core.a", imported="oidc_probe.access")
    assert _upward_from_core(graph) == [("oidc_probe.core.a", "oidc_probe.access")]


def test_no_command_reads_the_parsed_arguments_outside_the_request_builders() -> None:
    """Each command builds a request (cli/requests.py) and passes that on, not the Namespace."""
    from pathlib import Path

    root = Path(__file__).parents[2] / "oidc_probe"
    found = [
        str(path.relative_to(root))
        for path in sorted(root.rglob("*.py"))
        if "getattr(args" in path.read_text(encoding="utf-8")
    ]
    assert found == ["cli/requests.py"]
