"""What people read is Vietnamese: every entry of the message catalogue, every key the code asks for,
and the whole help of the `kynangso` command, argparse's own words included."""

import ast
import contextlib
import io
import re
import unicodedata

import pytest

from kynangso import cli, messages

from conftest import ROOT

# English words that never occur in a Vietnamese sentence (Vietnamese "in", "to", "no" are words)
ENGLISH = re.compile(
    r"\b(the|and|is|are|not|cannot|can't|failed|error|missing|found|should|must|with|from|this|"
    r"that|which|please|does|exist|only|default|folder|file|repeatable|show|help|message|exit|"
    r"usage|options|positional|arguments|required|invalid|choice|expected|argument)\b",
    re.I,
)
CODE = re.compile(
    r"`[^`]*`|--?[a-z][a-z0-9-]*|\{[^}]*\}|%\([a-z_]+\)[a-z]|\S+\.(?:py|csv|ipynb|yml|html|xlsx|db)\b"
    r"|[a-z_]+/[a-z_/<>.-]*|https?://\S+"
)
ACRONYMS = {
    "PDF",
    "CSV",
    "HTML",
    "SMTP",
    "UTF",
    "ID",
    "URL",
    "OK",
    "PKI",
    "CA",
    "CRL",
    "OTP",
    "UBND",
    "HĐND",
    "DVC",
    "NBGRADER",
    "NFC",
    "JSON",
    "XLSX",
    "USB",
    "CPU",
    "RAM",
    "IP",
    "MB",
    "GB",
    "KB",
    "II",
    "III",
    "IV",
    "YAML",
    "NOTEBOOK",
    "SHA",
    "RSA",
    "PAdES",
    "TOTP",
    "VNEID",
}


def english_in(text: str) -> list[str]:
    """English words in a text, leaving out what is code: commands, options, paths, placeholders."""
    prose = CODE.sub(" ", text)
    found = [m.group(0) for m in ENGLISH.finditer(prose)]
    caps = [w for w in re.findall(r"\b[A-Z][A-Z_]{2,}\b", prose) if w not in ACRONYMS]
    return found + caps


def test_the_checker_finds_english():
    assert english_in("the cohort does not exist") == ["the", "does", "not", "exist"]
    assert english_in("usage: kynangso grade [--module MODULE]") == ["usage", "MODULE"]
    assert english_in("Lớp `demo` chưa có bài nộp: chạy `kynangso grade demo --no-progress`.") == []


def test_every_entry_is_vietnamese_in_nfc():
    catalogue = messages.catalogue()
    assert len(catalogue) > 50
    for key, value in catalogue.items():
        assert value.strip(), key
        assert unicodedata.normalize("NFC", value) == value, key
        if key.startswith("cli.argparse."):
            continue  # argparse's own words: the key is English on purpose, the value is checked below
        assert english_in(value) == [], (key, value)


def keys_the_code_asks_for():
    """Literal keys of messages.text(...) calls, and prefixes of keys built with an f-string."""
    literal, prefixes = set(), set()
    for path in (ROOT / "src" / "kynangso").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) == "text"
                and node.args
            ):
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    literal.add((path.name, arg.value))
                elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                    prefixes.add((path.name, arg.values[0].value))
    return literal, prefixes


def test_every_key_the_code_asks_for_is_in_the_catalogue():
    catalogue = messages.catalogue()
    literal, prefixes = keys_the_code_asks_for()
    assert len(literal) > 20
    assert sorted((f, k) for f, k in literal if k not in catalogue) == []
    assert sorted((f, p) for f, p in prefixes if not any(k.startswith(p) for k in catalogue)) == []


def help_text(*argv) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        cli.main([*argv, "--help"])
    return out.getvalue()


@pytest.mark.parametrize("verb", [None, *cli.VERBS])
def test_the_command_speaks_vietnamese(verb):
    text = help_text(*([verb] if verb else []))
    assert text.startswith("cách dùng: kynangso")
    assert english_in(text) == [], text


def test_argparse_errors_are_vietnamese(capsys):
    with pytest.raises(SystemExit):
        cli.main(["grade"])
    err = capsys.readouterr().err
    assert "lỗi: thiếu tham số bắt buộc" in err and english_in(err) == [], err
