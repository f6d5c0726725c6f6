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
    "report": "kynangso.reports",
    "demo": "kynangso.demo",
    "lab": "kynangso.cohorts.lab",
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
    except (ManifestError, UnknownModule) as exc:  # a module or a manifest the user named: said in Vietnamese
        print(exc.args[0] if exc.args else exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
