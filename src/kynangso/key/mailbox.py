"""The sample mailbox's generator: 40 messages filled from the templates of hop_thu.yml, each with the
phishing signs it carries. It is part of the answer key (kynangso.key): the signs of each message are
the labels the e-mail module's hidden tests check, so learners' kernels never see this folder.

hop_thu.yml holds every text (subjects, paragraphs, attached letters, explanations), each message's
sender, recipients, labels and what it draws from the seed; this module fills the templates from the
seeded world (world.py) and eml.py writes the .eml files. `messages` and `signs` are the generators
of hop_thu/nhan.csv and dap-an/hop_thu_dau_hieu.csv (kynangso.data.mailbox names them).

Safety: every address, domain and link is on a reserved name (.example, .test, .invalid, or an IP
in 192.0.2.0/24); attachments of dangerous types hold harmless placeholder text, never code.

Reproducibility: dates, Message-IDs and MIME boundaries come from the seed; PDF attachments are
Decree 30 letters laid out by kynangso.letters (byte-stable).
"""

from __future__ import annotations

import io
import string
import zipfile
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from .. import workdays
from ..data.base import Context, ascii_slug, nfc, phone
from ..data.mailbox import CATEGORIES, SIGNS
from ..letters import Letter, letter_pdf
from .eml import Mail, file_name, render
from .world import World, previous_working_day

TEMPLATES = Path(__file__).with_name("hop_thu.yml")


@lru_cache(maxsize=1)
def templates() -> dict:
    import yaml

    return yaml.safe_load(TEMPLATES.read_text(encoding="utf-8"))


def _vn(d: date) -> str:
    return f"{d.day}/{d.month}/{d.year}"


def _doc_date(d: date) -> str:
    """Decree 30/2020: days below 10 and months 1–2 take a leading zero."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


class _Filler(string.Formatter):
    """str.format with the templates' own format specs: {d:vn}, {d:doc}, {d:weekday}, {name:slug}."""

    def format_field(self, value, spec):
        if spec in ("vn", "doc", "weekday"):
            day = value.date() if isinstance(value, datetime) else value
            if spec == "weekday":
                return templates()["weekdays"][day.weekday()]
            return _vn(day) if spec == "vn" else _doc_date(day)
        if spec == "slug":
            return ascii_slug(value).replace(" ", "")
        return super().format_field(value, spec)


_FILLER = _Filler()


# --- what a message draws from the seed -------------------------------------------------------


def _when(w: World, how) -> datetime:
    kind, args = (how, {}) if isinstance(how, str) else next(iter(how.items()))
    args = dict(args or {})
    if "hours" in args:
        args["hours"] = tuple(tuple(h) for h in args["hours"])
    return {"working": w.working, "anytime": w.anytime}[kind](**args)


def _draw(w: World, how):
    if how == "account":
        return w.account()
    if how == "phone":
        return phone(w.rng)
    if isinstance(how, dict):
        return w.rng.randrange(how["below"])
    low, high = how
    return w.rng.randint(low, high)


def _date(w: World, when: datetime, how: dict) -> date:
    ((kind, arg),) = how.items()
    day = when.date()
    if kind == "working_days":
        if arg >= 0:
            return workdays.add_working_days(day, arg)
        for _ in range(-arg):
            day = previous_working_day(day)
        return day
    if kind == "next_weekday":
        return day + timedelta(days=(arg - day.weekday()) % 7 or 7)
    if kind == "days_before":
        return day - timedelta(days=w.rng.randint(*arg))
    raise ValueError(f"unknown date rule {kind!r}")


# Messages whose date depends on an earlier message (hop_thu.yml `fill`): each gives `when` and the
# values its templates need, from what the earlier messages were filled with (World.shared).


def _answer_after_request(w: World, spec: dict) -> dict:
    """The owner asked about bao-cao-thu-cong-vu's form after it came; the answer comes the next working day."""
    asked = w.shared["bao-cao-thu-cong-vu"]["when"]
    when = datetime.combine(workdays.next_working_day(asked.date()), time(8 + w.rng.randrange(8), w.rng.randrange(60)))
    sent, original = w.earlier_message(spec["in_reply_to"], when)
    return {"when": when, "sent": max(sent, asked + timedelta(minutes=37)), "in_reply_to": original}


def _roster_before_deadline(w: World, spec: dict) -> dict:
    """A peer shares their roster between ke-hoach-tap-huan and its deadline."""
    plan = w.shared["ke-hoach-tap-huan"]
    peer = _resolve(spec["from"], w.names)
    when = w.working(start=workdays.next_working_day(plan["when"].date()), end=previous_working_day(plan["deadline"]))
    staff = [s for s in w.staff if s["ma_don_vi"] == peer["ma_don_vi"] and not s["la_lanh_dao"]][:2]
    return {
        "when": when,
        "deadline": plan["deadline"],
        "peer_place": peer["co_quan"].removeprefix("UBND "),
        "roster": "".join(f"{s['ho_ten']},{s['chuc_vu']},{s['co_quan']},{s['email']}\n" for s in staff),
    }


def _decision_after_plan(w: World, spec: dict) -> dict:
    """The decision sending officials to the training of ke-hoach-tap-huan, which it cites."""
    plan = w.shared["ke-hoach-tap-huan"]
    named = [w.owner] + w.peers[:2]
    return {
        "when": w.working(start=plan["when"].date() + timedelta(days=1)),
        "kh": plan["n"],
        "named": "; ".join(f"{s['ho_ten']} ({s['co_quan']})" for s in named),
    }


FILLS = {
    "answer_after_request": _answer_after_request,
    "roster_before_deadline": _roster_before_deadline,
    "decision_after_plan": _decision_after_plan,
}


# --- filling a message ------------------------------------------------------------------------


def _resolve(ref: str, values: dict):
    """A role named in the templates ("van_thu", "peers[1]", "c1"): its row of can_bo, or a person."""
    return _FILLER.get_field(ref, (), values)[0]


def _zip(inner_name: str, text: str) -> bytes:
    """A valid zip holding one harmless text file; stored (no compression) with a fixed date."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        info = zipfile.ZipInfo(inner_name, date_time=(2022, 1, 1, 0, 0, 0))
        info.create_system, info.external_attr = 3, 0o644 << 16
        z.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


def _letter(a: dict, fill) -> Letter:
    return Letter(
        [tuple(line) for line in templates()["issuers"][a["issuer"]]],
        fill(a["number"]),
        fill(a["place_date"]),
        fill(a["title"]),
        fill(a["subject"]),
        fill(a["recipients"]),
        [fill(p) for p in a["paragraphs"]],
        a["authority"],
        fill(a["signer"]),
        a["to_list"],
    )


def _attachment(a: dict, fill) -> tuple[str, str, str, bytes]:
    files = templates()["files"]
    name = fill(a["name"])
    if "letter" in a:
        return (name, "application", "pdf", letter_pdf(_letter(a["letter"], fill)))
    if "csv" in a:
        return (name, "text", "csv", fill(a["csv"]).encode("utf-8"))
    if "zip" in a:
        inner, content = a["zip"]
        return (name, "application", "zip", _zip(inner, nfc(files[content])))
    maintype, subtype = a["type"].split("/")
    return (name, maintype, subtype, nfc(files[a["file"]]).encode("utf-8"))


def _values(w: World, spec: dict) -> dict:
    """What the message's templates may use: the world's names, then what the message draws."""
    values = dict(w.names)
    if "fill" in spec:
        values.update(FILLS[spec["fill"]](w, spec))
    else:
        values["when"] = _when(w, spec["when"])
    for name, how in spec.get("draw", {}).items():
        values[name] = _draw(w, how)
    for name, how in spec.get("dates", {}).items():
        values[name] = _date(w, values["when"], how)
    if "in_reply_to" in spec and "sent" not in values:
        values["sent"], values["in_reply_to"] = w.earlier_message(spec["in_reply_to"], values["when"])
    return values


def _mail(w: World, key: str, spec: dict) -> Mail:
    values = _values(w, spec)
    w.shared[key] = values

    def fill(template: str, **more) -> str:
        return nfc(_FILLER.vformat(template, (), {**values, **more}))

    def party(ref) -> tuple[str, str]:
        return (fill(ref[0]), fill(ref[1])) if isinstance(ref, list) else w.addr(_resolve(ref, values))

    sender = spec["from"]
    if isinstance(sender, str) and isinstance(_resolve(sender, values), dict):
        values["signature"] = w.sig(_resolve(sender, values))
    links = {
        name: (target, target) if isinstance(target, str) else tuple(target)
        for name, target in spec.get("links", {}).items()
    }
    values.update({name: "{" + name + "}" for name in links})  # marks stay for the renderer
    quote = ""
    if "quote" in spec:
        head = fill(templates()["quote_head"])
        quote = "\n".join([head] + ["> " + line if line else ">" for line in map(fill, spec["quote"])])
    return Mail(
        key,
        spec["nhom"],
        tuple(spec.get("dau_hieu", ())),
        party(sender),
        [party(r) for r in spec["to"]],
        fill(spec["subject"]),
        [fill(p) for p in spec["paragraphs"]],
        values["when"],
        fill(spec["giai_thich"]),
        cc=[party(r) for r in spec.get("cc", [])],
        reply_to=party(spec["reply_to"]) if "reply_to" in spec else None,
        links={"{" + name + "}": (fill(v), fill(h)) for name, (v, h) in links.items()},
        attachments=[_attachment(a, fill) for a in spec.get("attachments", [])],
        de_nham=spec.get("de_nham", False),
        in_reply_to=values.get("in_reply_to"),
        quote=quote,
    )


# --- the data sets ----------------------------------------------------------------------------


def _generate(ctx: Context) -> tuple[list[dict], list[dict]]:
    """The rows of hop_thu/nhan.csv (what learners read) and of the answer key's signs per message;
    the .eml files are added to `ctx`. Made once per generation run (both files need it)."""
    if "hop_thu:generated" in ctx.tables:
        return ctx.tables["hop_thu:generated"]
    t = templates()
    w = World(ctx, t["people"], t["signature"])
    mails = [_mail(w, key, spec) for key, spec in t["messages"].items()]
    rows, signs = [], []
    for number, m in enumerate(sorted(mails, key=lambda m: (m.when, m.key)), start=1):
        assert m.nhom in CATEGORIES and all(s in SIGNS for s in m.signs), m.key
        name = file_name(number, m.subject)
        ctx.add_file("hop_thu", f"hop_thu/{name}", render(m, w.seed))
        rows.append(
            {
                "tep": name,
                "ngay_gui": m.when,
                "tu": m.sender[1],
                "tieu_de": nfc(m.subject),
                "la_lua_dao": m.nhom.startswith("lua_dao"),
                "nhom": m.nhom,
                "de_nham": m.de_nham,
                "giai_thich": nfc(m.giai_thich),
            }
        )
        signs.append({"tep": name, "dau_hieu": ";".join(s for s in SIGNS if s in m.signs)})
    ctx.tables["hop_thu:generated"] = rows, signs
    return rows, signs


def messages(ctx: Context) -> list[dict]:
    """hop_thu/nhan.csv: what learners may know of each message."""
    return _generate(ctx)[0]


def signs(ctx: Context) -> list[dict]:
    """dap-an/hop_thu_dau_hieu.csv: the signs of each message (the answer key)."""
    return _generate(ctx)[1]
