"""Every text a learner, an instructor or a trainer reads, in Vietnamese, by stable key.

The catalogue is the YAML files of this folder, one per room of the package (`cli.yml`,
`grading.yml`, `cohorts.yml`, `authoring.yml`, `reports.yml`, `data.yml`, …) or per large verb
(`roster.yml`, `collect.yml`, `doctor.yml`); a key starts with its file's name (`grading.kernel_died`). `text(key, **values)` fills the `{placeholders}` with
`str.format` and returns Unicode NFC. Code, logs for developers and identifiers stay in English;
nothing here is English (tests/test_messages.py reads every entry and the CLI's help).

This module imports nothing of the package: every room may use it.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

FOLDER = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def catalogue() -> dict[str, str]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ten times faster
    out: dict[str, str] = {}
    for path in sorted(FOLDER.glob("*.yml")):
        room = path.stem
        for key, value in (yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}).items():
            full = f"{room}.{key}"
            if full in out:
                raise ValueError(f"duplicate message key {full}")
            out[full] = unicodedata.normalize("NFC", str(value))
    return out


class Refusal(Exception):
    """An input problem whose message (args[0]) is already the Vietnamese text the user reads: the
    command prints it and exits 2, never a traceback. Rooms subclass it for their own refusals."""


def text(key: str, **values) -> str:
    """The message `key`, with `values` in its placeholders."""
    try:
        template = catalogue()[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in src/kynangso/messages/") from None
    return unicodedata.normalize("NFC", template.format(**values)) if values else template
