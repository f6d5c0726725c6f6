"""The `kynangso` command: a thin dispatcher over the verbs of the package's rooms.

Each verb is a module with `add_arguments(parser)` and `run(args)`; the help a user reads, argparse's
own words included, comes from the message catalogue (kynangso.messages), in Vietnamese.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from . import messages

# verb -> the module that implements it (imported only when the verb is parsed or run)
VERBS = {
    "data": "kynangso.authoring.datasets",
    "new": "kynangso.authoring.new",
    "check": "kynangso.grading.check",
    "tidy": "kynangso.authoring.tidy",
    "build": "kynangso.cohorts.build",
    "cohort": "kynangso.cohorts.roster",
    "simulate": "kynangso.cohorts.simulate",
    "collect": "kynangso.cohorts.collect",
    "grade": "kynangso.cohorts.grade",
    "feedback": "kynangso.cohorts.feedback",
    "doctor": "kynangso.cohorts.doctor",
    "report": "kynangso.reports",
    "demo": "kynangso.demo",
    "lab": "kynangso.cohorts.lab",
    "hub": "kynangso.hub.serve",
    "mail-server": "kynangso.maillab",
    "sign": "kynangso.signing",
}


def _vietnamese(text: str) -> str:
    return messages.catalogue().get(f"cli.argparse.{text}", text)


def _speak_vietnamese() -> None:
    """argparse looks its own words up through gettext at call time: give it the catalogue's."""
    argparse._ = _vietnamese
    argparse.ngettext = lambda singular, plural, n: _vietnamese(singular if n == 1 else plural)


def parser(verb: str | None = None) -> argparse.ArgumentParser:
    """The command's parser. Only `verb`'s module is imported (each verb's help line is in the
    catalogue), so `kynangso VERB` starts without importing every room; with no verb, all are."""
    _speak_vietnamese()
    t = messages.text
    p = argparse.ArgumentParser(prog="kynangso", description=t("cli.description"))
    sub = p.add_subparsers(dest="verb", required=True, metavar=t("cli.verb"), title=t("cli.verbs_title"))
    for name, module_name in VERBS.items():
        sp = sub.add_parser(name, help=t(f"cli.verb.{name}"), description=t(f"cli.verb.{name}"))
        if verb is None or name == verb:
            module = import_module(module_name)
            module.add_arguments(sp)
            sp.set_defaults(func=module.run)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    verb = next((a for a in argv if not a.startswith("-")), None)
    args = parser(verb if verb in VERBS else "").parse_args(argv)
    from .authoring.manifest import ManifestError, UnknownModule

    try:
        return args.func(args)
    except (ManifestError, UnknownModule, messages.Refusal) as exc:  # what the user named is wrong: said in Vietnamese
        print(exc.args[0] if exc.args else exc, file=sys.stderr)
        return 2
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as exc:
        if not exc.filename:
            raise
        kind = type(exc).__name__
        print(messages.text(f"cli.file.{kind}", path=exc.filename), file=sys.stderr)
        return 2
    except Exception as exc:  # a gradebook that is busy or damaged: said, never a traceback
        why = _gradebook_trouble(exc)
        if why is None:
            raise
        print(messages.text(f"cli.gradebook.{why}", name=getattr(args, "name", None) or "…"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: what a verb had finished is kept (grade resumes from its journal)
        print(messages.text("cli.interrupted"), file=sys.stderr)
        return 130


def _gradebook_trouble(exc: BaseException) -> str | None:
    """ "busy" or "damaged" when `exc` (or what caused it) is SQLite's, from the cohort's gradebook
    (sqlite3 directly, through SQLAlchemy, or through pandas); None for anything else."""
    import sqlite3

    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        inner = getattr(exc, "orig", None)  # SQLAlchemy keeps the DB-API error there
        for e in (exc, inner):
            if isinstance(e, sqlite3.DatabaseError):
                text = str(e).lower()
                if "locked" in text or "busy" in text:
                    return "busy"
                return "unwritable" if "readonly" in text or "unable to open" in text else "damaged"
        exc = exc.__cause__ or exc.__context__
    return None


if __name__ == "__main__":
    sys.exit(main())
