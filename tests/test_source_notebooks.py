"""Every source notebook is stored as run top to bottom on a fresh kernel, and passes the static checks."""

import pytest

from kynangso.authoring import manifest
from kynangso.authoring import notebook as nbm
from kynangso.grading import check

NOTEBOOKS = [p for m in manifest.load().ready_modules() for p in sorted(m.source.glob("*.ipynb"))]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_stored_in_order_from_a_fresh_kernel(path):
    counts = [c.execution_count for c in nbm.read(path).cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), "re-run the notebook: Restart Kernel and Run All Cells"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_free_of_volatile_metadata(path):
    from kynangso.authoring import tidy

    assert not tidy.needs_tidy(path), "run `kynangso tidy`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_static_rules(path):
    assert [str(p) for p in check.static_problems(path, nbm.read(path))] == []
