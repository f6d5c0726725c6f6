"""Every released module passes the trainers' full check: the solution passes its tests, every
recorded mistake is rejected, the learner's copy runs and leaks nothing, each notebook within 20 s."""

import pytest

from kynangso.authoring import manifest
from kynangso.grading import check

MODULES = manifest.load().ready_modules()


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_module_passes_the_full_check(module):
    problems = check.check_module(module, run=True)
    assert not problems, "\n".join(str(p) for p in problems)
