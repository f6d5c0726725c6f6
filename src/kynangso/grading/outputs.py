"""Bounds on what a graded cell leaves behind: every output that reaches the gradebook, the
autograded notebook or feedback, errors included, fits in a known number of characters.

A cell's text outputs (streams, displays) share `limit` characters; an error output (it decides the
grade, so it is always kept) is cut to at most ERROR_CHARS of its own: its message to
ERROR_VALUE_CHARS, its traceback to what is left. A learner's wrong answer quoted in a test's
message (`f"... {gia_tri!r}"`) therefore never makes a notebook, a report or the grader large.
"""

from __future__ import annotations

from nbformat import from_dict
from nbformat.v4 import new_output

from .. import messages

TRUNCATED = messages.text("grading.truncated")  # with {limit}
CUT_NOTE = messages.text("grading.cut_note")
ERROR_VALUE_CHARS = 4_000
ERROR_CHARS = 20_000


def chars(out) -> int:
    """The size of one nbformat output, in characters."""
    kind = out.get("output_type")
    if kind == "stream":
        return len(out.get("text", ""))
    if kind == "error":
        return len(out.get("evalue", "")) + sum(len(line) for line in out.get("traceback", []))
    return sum(len(v) if isinstance(v, str) else len(str(v)) for v in (out.get("data") or {}).values())


def cut_text(text: str, room: int) -> str:
    """`text`, or its start and a note that it was cut, in at most about `room` characters."""
    text = str(text)
    if len(text) <= room:
        return text
    return text[: max(0, room - len(CUT_NOTE))] + CUT_NOTE


def bound_error(out: dict) -> dict:
    """An error output of at most ERROR_CHARS characters, keeping its name, the start of its
    message, and as much of the traceback's end (where the failing line is) as fits."""
    out = dict(out)
    out["evalue"] = cut_text(out.get("evalue", ""), ERROR_VALUE_CHARS)
    room = ERROR_CHARS - len(out["evalue"])
    lines = [cut_text(line, ERROR_VALUE_CHARS) for line in out.get("traceback", [])]
    kept: list[str] = []
    for line in reversed(lines):
        if len(line) > room:
            kept.append(CUT_NOTE.strip())
            break
        kept.append(line)
        room -= len(line)
    out["traceback"] = kept[::-1]
    return from_dict(out)


def cut(out, room: int, limit: int):
    """The part of a text output that fits in `room` characters, ending with a note that it was cut
    (an output that is not a stream is replaced by the note)."""
    note = TRUNCATED.format(limit=limit)
    if out.get("output_type") != "stream":
        return new_output("stream", name="stdout", text=note)
    out["text"] = out["text"][: max(0, room - len(note))] + note
    return out


def is_cut(out, limit: int) -> bool:
    return out.get("output_type") == "stream" and out.get("text", "").endswith(TRUNCATED.format(limit=limit))


def bound(outputs: list, limit: int) -> list:
    """A cell's outputs within the bounds above (already cut outputs are kept as they are)."""
    used, kept = 0, []
    for out in outputs:
        if out.get("output_type") == "error":
            kept.append(bound_error(out) if chars(out) > ERROR_CHARS else out)
            continue
        size = chars(out)
        if used + size > limit:
            if is_cut(out, limit):
                kept.append(out)
            elif used < limit:
                kept.append(cut(out, limit - used, limit))
            used = limit + 1
            continue
        used += size
        kept.append(out)
    return kept
