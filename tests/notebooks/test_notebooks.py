"""The lecture notebooks: generated from notebooks/build.py, committed without outputs, and run headless."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"


def build_module():
    spec = importlib.util.spec_from_file_location("build_notebooks", NOTEBOOK_DIR / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = build_module()
NAMES = sorted(BUILD.NOTEBOOKS)


def test_every_notebook_is_listed_and_numbered_in_lecture_order():
    on_disk = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
    assert on_disk == NAMES
    assert NAMES[0] == "00_index.ipynb" and all(name[:2].isdigit() for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_equals_what_build_writes(name):
    assert (NOTEBOOK_DIR / name).read_text() == BUILD.render(name), "run: python notebooks/build.py"


@pytest.mark.parametrize("name", NAMES)
def test_each_notebook_has_the_style_sheet_rise_asks_for_beside_it(name):
    """RISE loads rise.css and <notebook>.css beside the notebook and logs an error for each missing one."""
    assert (NOTEBOOK_DIR / name).with_suffix(".css").read_text() == BUILD.own_css(name), "run: python notebooks/build.py"
    assert "text-transform: none" in (NOTEBOOK_DIR / "rise.css").read_text()


@pytest.mark.parametrize("name", NAMES)
def test_notebook_has_a_kernelspec_slides_and_no_outputs(name):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert all("slideshow" in cell.metadata for cell in nb.cells)
    assert all(cell.outputs == [] and cell.execution_count is None for cell in nb.cells if cell.cell_type == "code")


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom_headless_in_under_a_minute(name, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    started = time.perf_counter()
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": tmp_path}}).execute()
    elapsed = time.perf_counter() - started
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    text = "".join(str(out.get("text", "")) + str(out.get("data", {}).get("text/plain", "")) for out in outputs)
    assert "Traceback" not in text and "Warning" not in text
    assert elapsed < 60, f"{name} took {elapsed:.0f} s"


@pytest.mark.parametrize("name", NAMES)
def test_presets_controls_and_views_named_in_the_text_exist_in_the_notebooks_panel(name):
    """**bold** must be a preset or button of the notebook's panel(s), *italics* a control, view, option or group."""
    import re

    from nnlab.topics import load_all

    text = "\n".join(source for kind, source in BUILD.cells(name) if kind == "md")
    code = "\n".join(source for kind, source in BUILD.cells(name) if kind == "code")
    panels = [cls for cls in load_all().values() if f"{cls.__name__}()" in code]
    if not panels:
        pytest.skip("no panel in this notebook")
    presets, labels = set(), set()
    for cls in panels:
        presets |= set(cls.presets) | set(cls.actions)
        for control in cls.state_controls():
            (presets if control.kind == "button" else labels).add(control.label)
            labels |= {str(option) for option in control.options} | ({control.group} if control.group else set())
        labels |= set(cls.views)
    bold = set(re.findall(r"\*\*([^*]+)\*\*", text))
    italic = set(re.findall(r"(?<!\*)\*([^*\n]+)\*(?!\*)", text))
    assert bold <= presets, f"not a preset or button: {sorted(bold - presets)}"
    assert italic <= labels, f"not a control, view or option: {sorted(italic - labels)}"


@pytest.mark.parametrize("name", NAMES)
def test_each_panel_cell_declares_its_panel_and_a_valid_sweep_for_the_page_without_a_server(name):
    """``nnlab export --notebook`` sweeps each panel as its cell declares: the cell that builds a panel names it,
    and the sweep's keys, values and presets are the panel's own (checked without rendering)."""
    from nnlab.export import normalise_sweeps
    from nnlab.topics import get_panel_class, load_all

    declared = BUILD.declared(name)
    for (kind, source), metadata in zip(BUILD.cells(name), declared):
        built = [cls for cls in load_all().values() if f"{cls.__name__}()" in source]
        if kind == "code" and built:
            assert metadata is not None, "a panel's cell must declare its sweep: # %% nnlab={...}"
            assert get_panel_class(metadata["panel"]) is built[0]
            normalise_sweeps(built[0], metadata["sweep"])  # raises, naming the key or value, if one is wrong
        else:
            assert metadata is None
