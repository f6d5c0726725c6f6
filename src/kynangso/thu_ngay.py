"""The lessons' "Thử ngay" ("try it now") self-checks: instant, never graded, in Vietnamese.

A lesson's exercise is three cells: the task (markdown, "**Thử ngay N.** …"), a starter the official
fills (`...` placeholders; it runs as given), and a check cell:

    from kynangso import thu_ngay

    thu_ngay.kiem_tra("so_xa", "so_nguyen:4b9c0e1f2a", goi_y="…", loi={"so_nguyen:…": "…"})

`kiem_tra(ten, dap_an, goi_y, loi)` reads the variable *named* `ten` from the caller's namespace (a
skipped cell gives a Vietnamese hint, never a NameError) and prints one verdict: "✅ Đúng rồi…" or
"Chưa đúng: …" with what to look at. It never raises and never prints the answer: the check cell
holds only `dap_an`, the *fingerprint* of the right value (`van_tay(value)`: its kind, readable, and
ten hex digits of a hash of its canonical form), so the released lesson shows no answer. `loi` maps
the fingerprints of common wrong values to their hints; a wrong kind (text for a number, a whole
table for a count) gets a hint of its own.

Equal values have equal fingerprints: an int of any width, a float to six significant digits, text
in NFC, a list or tuple element by element, a set or dict in any order, a date, an instant (aware
ones compared in UTC), a pandas Series or DataFrame by its values and, unless it is a plain row
number, its index. The model answers stay out of the lessons' released copy: they are the starter
cell's metadata `"kynangso": {"thu_ngay": {"answer": …, "mistakes": […]}}`, which the release
removes with the course's other metadata (grading/nbgrader_config.py); tests/test_practice.py runs
them. How trainers write one: course/huong-dan-soan-bai.md.

The names officials see (the module, `kiem_tra`, `van_tay`, their parameters) are Vietnamese on
purpose: they are read in every lesson's check cells. This module imports only `messages`.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import re
import sys
import unicodedata
from datetime import UTC, date, datetime

from . import messages

KINDS = (
    "so_nguyen",
    "so_thuc",
    "chuoi",
    "dung_sai",
    "ngay",
    "thoi_diem",
    "day_byte",
    "danh_sach",
    "tap_hop",
    "tu_dien",
    "cot",
    "bang",
    "ham",
    "khong_co",
    "trong",
    "khac",
)
FINGERPRINT = re.compile(r"^(?P<kind>[a-z_]+):[0-9a-f]{10}$")
SHOWN_CHARS = 70  # a value longer than this is described ("một bảng 28 dòng × 6 cột"), not shown


def _module(name: str):
    """pandas or numpy when the notebook has imported them (no value of theirs exists otherwise)."""
    return sys.modules.get(name)


def _real(x) -> str:
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    text = format(x, ".6g")
    return "0" if text == "-0" else text


def _labels(index) -> list | None:
    """An index's labels, or None for plain row numbers (filtering and sorting keep them)."""
    pd = _module("pandas")
    return None if pd.api.types.is_integer_dtype(index.dtype) else [_canon(v) for v in index.tolist()]


def _pandas(v) -> list | None:
    pd = _module("pandas")
    if pd is None:
        return None
    if isinstance(v, pd.DataFrame):
        columns = [[_canon(x) for x in v.iloc[:, i].tolist()] for i in range(v.shape[1])]
        rows = [list(r) for r in zip(*columns, strict=True)] if columns else [[] for _ in range(len(v))]
        return ["bang", [[_canon(c) for c in v.columns.tolist()], _labels(v.index), rows]]
    if isinstance(v, pd.Series):
        return ["cot", [_labels(v.index), [_canon(x) for x in v.tolist()]]]
    if v is pd.NA or v is pd.NaT:
        return ["trong", ""]
    if isinstance(v, pd.Index):
        return ["danh_sach", [_canon(x) for x in v.tolist()]]
    return None


def _canon(v) -> list:
    """[kind, payload]: the canonical form that van_tay hashes (payload: text, or a list of forms)."""
    np = _module("numpy")
    from_pandas = _pandas(v)
    if from_pandas is not None:
        return from_pandas
    if v is None:
        return ["khong_co", ""]
    if isinstance(v, bool) or (np is not None and isinstance(v, np.bool_)):
        return ["dung_sai", str(bool(v))]
    if isinstance(v, numbers.Integral):
        return ["so_nguyen", str(int(v))]
    if isinstance(v, numbers.Real):
        return ["so_thuc", _real(v)]
    if isinstance(v, str):
        return ["chuoi", unicodedata.normalize("NFC", v)]
    if isinstance(v, (bytes, bytearray)):
        return ["day_byte", bytes(v).hex()]
    if isinstance(v, datetime):
        return ["thoi_diem", (v.astimezone(UTC) if v.tzinfo else v).isoformat()]
    if isinstance(v, date):
        return ["ngay", v.isoformat()]
    if np is not None and isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return ["danh_sach", [_canon(x) for x in v]]
    if isinstance(v, (set, frozenset)):
        return ["tap_hop", sorted((_canon(x) for x in v), key=_dumps)]
    if isinstance(v, dict):
        return ["tu_dien", sorted(([_canon(k), _canon(x)] for k, x in v.items()), key=_dumps)]
    if callable(v):
        return ["ham", ""]
    return ["khac", type(v).__name__]


def _dumps(form) -> str:
    return json.dumps(form, ensure_ascii=False, separators=(",", ":"))


def van_tay(gia_tri) -> str:
    """The fingerprint of a value, "kind:0123456789": what a check cell compares with. Trainers run
    the model answer, then `thu_ngay.van_tay(ten_bien)`, and copy the text into the check cell."""
    kind, payload = _canon(gia_tri)
    digest = hashlib.sha256(_dumps([kind, payload]).encode("utf-8")).hexdigest()
    return f"{kind}:{digest[:10]}"


def _has_placeholder(v, depth: int = 0) -> bool:
    """The value is `...`, or a list, tuple, set or dict holding one: the starter is still as given."""
    if v is Ellipsis:
        return True
    if depth > 3:
        return False
    if isinstance(v, (list, tuple, set, frozenset)):
        return any(_has_placeholder(x, depth + 1) for x in v)
    if isinstance(v, dict):
        return any(_has_placeholder(x, depth + 1) for x in [*v.keys(), *v.values()])
    return False


def _kind_text(kind: str, v) -> str:
    return (
        messages.text("library.thu_ngay.kind.khac", type=type(v).__name__)
        if kind == "khac"
        else messages.text(f"library.thu_ngay.kind.{kind}")
    )


def _shown(v, kind: str) -> str:
    """The official's own value, as a short text: the value itself, or what it is and its size."""
    t = messages.text
    if kind == "bang":
        return t("library.thu_ngay.shown.table", rows=v.shape[0], columns=v.shape[1])
    if kind == "cot":
        return t("library.thu_ngay.shown.column", count=len(v))
    if kind == "day_byte":
        return t("library.thu_ngay.shown.bytes", count=len(v))
    if kind == "ham":
        return t("library.thu_ngay.shown.function")
    if kind == "khac":
        return t("library.thu_ngay.shown.other")
    if kind == "so_nguyen":
        return str(int(v))
    if kind in ("so_thuc", "dung_sai"):
        return repr(float(v)) if kind == "so_thuc" else str(bool(v))
    text = repr(unicodedata.normalize("NFC", v) if isinstance(v, str) else v)
    if len(text) <= SHOWN_CHARS:
        return text
    if kind in ("danh_sach", "tap_hop", "tu_dien"):
        return t("library.thu_ngay.shown.many", kind=_kind_text(kind, v), count=len(v))
    return t("library.thu_ngay.shown.long", start=text[: SHOWN_CHARS - 1])


def _kind_hint(want: str, got: str) -> str | None:
    catalogue = messages.catalogue()
    for key in (f"library.thu_ngay.hint.{want}.{got}", f"library.thu_ngay.hint.any.{got}"):
        if key in catalogue:
            return catalogue[key]
    return None


def verdict(ten: str, dap_an: str, goi_y: str = "", loi: dict | None = None, ns: dict | None = None) -> str:
    """What `kiem_tra` prints for the variable `ten` of the namespace `ns` (may raise: kiem_tra does not)."""
    t = messages.text
    shape = FINGERPRINT.match(dap_an) if isinstance(dap_an, str) else None
    if not isinstance(ten, str) or shape is None or shape["kind"] not in KINDS:
        return t("library.thu_ngay.bad_check", fingerprint=dap_an)
    if ten not in (ns or {}):
        return t("library.thu_ngay.no_name", name=ten)
    value = ns[ten]
    if _has_placeholder(value):
        return t("library.thu_ngay.placeholder", name=ten)
    got = van_tay(value)
    if got == dap_an:
        return t("library.thu_ngay.right", name=ten)
    want_kind, got_kind = shape["kind"], got.split(":")[0]
    shown = _shown(value, got_kind)
    if got_kind == want_kind:
        head = t("library.thu_ngay.wrong_value", name=ten, shown=shown)
        kind_hint = None
    else:
        got_text, want_text = _kind_text(got_kind, value), _kind_text(want_kind, None)
        head = t("library.thu_ngay.wrong_kind", name=ten, shown=shown, got=got_text, want=want_text)
        kind_hint = _kind_hint(want_kind, got_kind)
    hint = (loi or {}).get(got) or kind_hint or goi_y or t("library.thu_ngay.look_again")
    return f"{head}\n{unicodedata.normalize('NFC', hint)}"


def kiem_tra(ten: str, dap_an: str, goi_y: str = "", loi: dict | None = None, *, ns: dict | None = None) -> None:
    """Print whether the variable named `ten` (in the calling cell's namespace, or `ns`) has the value
    whose fingerprint is `dap_an`; when it has not, what to look at: the hint of `loi` for its
    fingerprint, else a hint for its kind, else `goi_y`. Never raises: Run All goes on."""
    try:
        names = ns if ns is not None else sys._getframe(1).f_globals
        print(verdict(ten, dap_an, goi_y, loi, names))
    except Exception:  # noqa: BLE001 - a self-check must never stop a lesson
        print(messages.text("library.thu_ngay.cannot_check", name=ten))
