"""The cohort's side of nbgrader's exchange, the way officials on a JupyterHub send and receive
work: a released module is put in the exchange (officials fetch it in the Assignments tab),
what they submit there is collected into submitted/ before grading, and feedback is released back
(officials fetch it in the same tab). Each step is nbgrader's own command, run in the course root.

A cohort without a hub keeps working without any of it: `collect` and `release_feedback` do
nothing when no module was ever released to the exchange.

nbgrader lets anyone submit under any student id (`nbgrader submit --student <other>`); on the
hub each official is a system user named by their id, so a submission whose files another user
made is set aside (`forged/` in the cohort) and said, never graded as the id it claims.
"""

from __future__ import annotations

import pwd
import shutil
from pathlib import Path

from .. import messages
from ..authoring.settings import settings
from . import course

FORGED = "forged"


def course_dir(root: Path) -> Path:
    """The course's folder in the exchange (cohort/exchange may be a link to a shared place)."""
    return root / "exchange" / settings().course_id


def released(root: Path) -> set[str]:
    """The modules released to the exchange (what officials can fetch)."""
    outbound = course_dir(root) / "outbound"
    return {p.name for p in outbound.iterdir() if p.is_dir()} if outbound.is_dir() else set()


def release(root: Path, module_id: str) -> tuple[bool, str]:
    """Put a module, already generated into release/, in the exchange; (done, nbgrader's output)."""
    proc = course.run(root, "release_assignment", module_id, "--force", log_name=f"exchange-release-{module_id}")
    return proc.returncode == 0, course.tail(proc)


def collect(root: Path, module_ids: list[str]) -> dict[str, tuple[bool, str, list[str]]]:
    """Take what officials submitted through the exchange for these modules into submitted/ (a
    newer submission replaces an older one, as nbgrader's `collect --update` does); per module:
    (done, nbgrader's output, what was said of the submissions set aside as forged)."""
    out = {}
    inbound = course_dir(root) / "inbound"
    if not inbound.is_dir():
        return out
    names = [p.name for p in inbound.iterdir()]
    for m in module_ids:
        if m in released(root) and any(f"+{m}+" in n for n in names):
            forged = set_aside_forged(root, inbound, m)
            proc = course.run(root, "collect", m, "--update", log_name=f"exchange-collect-{m}")
            out[m] = (proc.returncode == 0, course.tail(proc), forged)
    return out


def _owner(path: Path) -> str | None:
    try:
        return pwd.getpwuid(path.lstat().st_uid).pw_name
    except (KeyError, OSError):
        return None


def set_aside_forged(root: Path, inbound: Path, module_id: str) -> list[str]:
    """Move out of the exchange each submission of the module whose files were not made by the
    system user its student id names (where that user exists: the hub); what was said of each."""
    said = []
    for entry in sorted(inbound.iterdir()):
        student, _, rest = entry.name.partition("+")
        if not rest.startswith(module_id + "+"):
            continue
        try:
            pwd.getpwnam(student)
        except KeyError:
            continue  # no such system user: not the hub's model (a shared exchange of one machine)
        makers = {_owner(p) for p in [entry, *entry.rglob("*")]}
        if makers != {student}:
            place = root / FORGED / entry.name
            place.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(entry), place)
            others = ", ".join(sorted(str(m) for m in makers - {student}))
            said.append(
                messages.text("cohorts.exchange.forged", student=student, module=module_id, by=others, place=place)
            )
    return said


def release_feedback(root: Path, module_ids: list[str]) -> dict[str, tuple[bool, str]]:
    """Release the feedback written in feedback/ to the exchange, for officials to fetch."""
    out = {}
    for m in module_ids:
        if m in released(root):
            proc = course.run(root, "release_feedback", m, log_name=f"exchange-feedback-{m}")
            out[m] = (proc.returncode == 0, course.tail(proc))
    return out
