"""Import rules of the house, over the import graph (every ``import`` statement of every module, at any depth of
the module, read with ``ast``): a rule broken is a test failed, not a convention forgotten.

- ``nnlab.core`` is the library: the standard library, numpy and joblib, and itself (no ``nnlab.data``).
- A topic's ``study.py`` computes with the core and the data sets (and another topic's study): no matplotlib, no
  widgets, no framework. Its ``draw.py`` and the shared ``nnlab.viz`` draw: no widgets.
- Only ``nnlab.render`` touches matplotlib's and ipympl's internals: ``matplotlib.ft2font``, the Agg backend and
  ``ipympl`` (each use behind its gate, ``nnlab/render/gate.py``).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

NNLAB = Path(__file__).resolve().parents[1] / "nnlab"
STDLIB = set(sys.stdlib_module_names)
CORE_THIRD_PARTY = {"numpy", "joblib"}
INTERNALS = ("matplotlib.ft2font", "matplotlib.backends", "ipympl")


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports (absolute names; relative imports resolved against the package)."""
    tree = ast.parse(path.read_text(), str(path))
    package = ".".join(path.relative_to(NNLAB.parent).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            out.add(base)
            out.update(f"{base}.{alias.name}" for alias in node.names)
    return out


def modules(folder: str) -> list[Path]:
    return sorted((NNLAB / folder).rglob("*.py"))


def _outside(path: Path, allowed_nnlab: tuple[str, ...]) -> list[str]:
    return sorted(name for name in imports(path)
                  if name.split(".")[0] not in STDLIB | CORE_THIRD_PARTY | {"nnlab", "__future__"}
                  or (name.startswith("nnlab") and not name.startswith(allowed_nnlab)))  # fmt: skip


@pytest.mark.parametrize("path", modules("core"), ids=lambda p: p.stem)
def test_the_core_imports_numpy_and_itself(path):
    assert _outside(path, ("nnlab.core",)) == [], path.relative_to(NNLAB.parent)


@pytest.mark.parametrize("path", sorted(NNLAB.glob("topics/*/study.py")), ids=lambda p: p.parent.name)
def test_a_study_computes_with_the_core_and_the_data(path):
    study = re.compile(r"nnlab\.topics\.\w+\.study(\.\w+)?")
    bad = [name for name in _outside(path, ("nnlab.core", "nnlab.data")) if not study.fullmatch(name)]
    assert bad == [], path.relative_to(NNLAB.parent)


def _topics() -> list[str]:
    return sorted(p.parent.name for p in NNLAB.glob("topics/*/panel.py"))


@pytest.mark.parametrize("path", [*modules("viz"), *sorted(NNLAB.glob("topics/*/draw.py"))],
                         ids=lambda p: str(p.relative_to(NNLAB)))  # fmt: skip
def test_drawing_uses_no_widgets_and_no_framework(path):
    names = imports(path)
    assert not [n for n in names if n.split(".")[0] in ("ipywidgets", "ipympl", "anywidget")]
    assert not [n for n in names if n.startswith(("nnlab.app", "nnlab.panels")) or n.endswith(".panel")]


def test_every_topic_is_a_folder_with_its_panel_and_draw():
    for topic in _topics():
        assert (NNLAB / "topics" / topic / "draw.py").exists(), topic


@pytest.mark.parametrize("path", [p for p in NNLAB.rglob("*.py") if "render" not in p.parts],
                         ids=lambda p: str(p.relative_to(NNLAB)))  # fmt: skip
def test_only_the_render_layer_touches_matplotlib_and_ipympl_internals(path):
    assert not [name for name in imports(path) if name.startswith(INTERNALS)]


def test_the_rules_see_what_they_forbid(tmp_path, monkeypatch):
    """The scanner finds imports inside functions and relative ones (a rule that sees nothing passes anything)."""
    probe = tmp_path / "nnlab" / "core" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("def f():\n    import ipympl.backend_nbagg\n    from ..viz import axes\n")
    monkeypatch.setattr(sys.modules[__name__], "NNLAB", tmp_path / "nnlab")
    found = imports(probe)
    assert "ipympl.backend_nbagg" in found and "nnlab.viz.axes" in found
