"""The notebooks run top to bottom at a reduced size, and are stored without outputs."""

from __future__ import annotations

import ast
import base64
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
SMALL = {"SIM_NOTEBOOK_SCALE": "0.02", "SIM_NOTEBOOK_SEEDS": "2", "SIM_NOTEBOOK_QUICK": "1"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path):
    """No stale outputs are committed: the tests regenerate them."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name} has stored outputs"


def _shows(source: str) -> tuple[bool, bool, bool]:
    """What a cell's code should put on screen: (a figure, printed text, a value such as a table).
    A cell shows a value when its last statement is an expression other than a call that returns
    nothing (`print`, `plt.show`, an axis setter)."""
    tree = ast.parse(source)
    calls = [n.func for n in ast.walk(tree) if isinstance(n, ast.Call)]
    names = {f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "") for f in calls}
    value = False
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = tree.body[-1].value
        func = last.func if isinstance(last, ast.Call) else None
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        value = name not in {"print", "show", "axis", "imshow", "set", "legend", "set_option"}
    return "show" in names, "print" in names, value


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    """Every cell runs on a fresh kernel (at a small scale), in order, and shows what it is written
    to show: each `plt.show()` a figure, each `print` some text, each cell ending in an expression
    its value (the tables); no cell writes a traceback."""
    for key, value in SMALL.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # figures as outputs
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises on the first cell that fails
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{path.name} has no code"
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), "every cell ran, in order"
    figures = 0
    for i, cell in enumerate(code, start=1):
        figure, text, value = _shows(cell.source)
        kinds = {o.output_type for o in cell.outputs}
        assert "error" not in kinds, f"{path.name}, cell {i}"
        stderr = "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stderr")
        assert "Traceback" not in stderr, f"{path.name}, cell {i}: {stderr[-500:]}"
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        if figure:
            assert images, f"{path.name}, cell {i}: no figure shown"
        for o in images:
            assert base64.b64decode(o.data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
        figures += len(images)
        if text:
            stdout = "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
            assert stdout.strip(), f"{path.name}, cell {i}: nothing printed"
        if value:
            results = [o for o in cell.outputs if o.output_type in ("execute_result", "display_data")]
            assert results, f"{path.name}, cell {i}: its last expression shows nothing"
            shown = results[-1].data
            widget = "application/vnd.jupyter.widget-view+json" in shown  # an app or widget, rendered live
            assert widget or shown.get("text/plain", "").strip() or shown.get("text/html", "").strip()
            if "text/html" in shown and not widget:  # a table: it has rows
                assert "<td" in shown["text/html"], f"{path.name}, cell {i}: an empty table"
    assert figures > 0, f"{path.name} shows no figure"
