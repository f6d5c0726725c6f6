"""Official documents in the layout of Decree 30/2020/NĐ-CP (simplified, one A4 page), as PDF.

Used for the attachments of the course's mailbox and for the documents signed in the digital
signature module. fpdf2 lays them out with the DejaVu Serif fonts that matplotlib ships; a fixed
creation date and producer, and no compression, keep the bytes identical on every run (fpdf2 is
pinned to one minor series in pyproject.toml so that the data sets' checksums hold). The words of
the form itself (national title and motto, "Nơi nhận:", the note that the document is a sample) are
part of the layout, like the data sets' contents; the error a learner may meet (a letter too long
for one page) is in the message catalogue (`library.letters.too_long`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from . import messages

PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
_FONT_FILES = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf"}
_STYLE = {"R": "", "B": "B"}
_FIXED_DATE = datetime(2022, 1, 1, tzinfo=timezone(timedelta(hours=7)))


def _new_pdf():
    import matplotlib
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(PAGE_W, PAGE_H))
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_producer("kynangso")
    pdf.compress = False
    pdf.set_auto_page_break(False)
    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    for style, fname in _FONT_FILES.items():
        pdf.add_font("DejaVuSerif", style=style, fname=os.path.join(folder, fname))
    return pdf


@lru_cache(maxsize=1)
def _measurer():
    pdf = _new_pdf()
    pdf.add_page()
    return pdf


@dataclass(frozen=True)
class _Font:
    key: str  # "R" regular, "B" bold

    def width(self, text: str, size: float) -> float:
        pdf = _measurer()
        pdf.set_font("DejaVuSerif", style=_STYLE[self.key], size=size)
        return pdf.get_string_width(text)


def _font(key: str) -> _Font:
    return _Font(key)


def _pdf_bytes(items: list[tuple], title: str) -> bytes:
    """A one-page PDF. items: ("text", font key, size, x, y, text, grey) or ("line", x1, y1, x2, y2),
    in points from the bottom left corner, y at the text's baseline."""
    pdf = _new_pdf()
    pdf.set_title(title)
    pdf.add_page()
    for it in items:
        if it[0] == "text":
            _, key, size, x, y, text, grey = it
            pdf.set_font("DejaVuSerif", style=_STYLE[key], size=size)
            pdf.set_text_color(round(grey * 255))
            pdf.text(x, PAGE_H - y, text)
        else:
            _, x1, y1, x2, y2 = it
            pdf.set_line_width(0.6)
            pdf.line(x1, PAGE_H - y1, x2, PAGE_H - y2)
    return bytes(pdf.output())


@dataclass
class Letter:
    """An administrative document in the layout of Decree 30/2020 (simplified), on one A4 page."""

    issuer: list[tuple[str, str]]  # left header lines: (text, font key)
    number: str  # "Số: 45/UBND-VP"
    place_date: str  # "Vĩnh Tường, ngày 05 tháng 3 năm 2022"
    title: str  # "GIẤY MỜI", or "" for a công văn
    subject: str  # trích yếu
    recipients: str  # "Kính gửi: ..." or ""
    paragraphs: list[str]  # "^" first: a bold, centred heading line
    authority: list[str]  # ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
    signer: str
    to_list: list[str]  # nơi nhận
    signed_mark: str = "(Đã ký)"  # "" for a document to be signed digitally: the stamp goes there


def _wrap(text: str, key: str, size: float, width: float) -> list[str]:
    f, lines, line = _font(key), [], ""
    for word in text.split(" "):
        trial = f"{line} {word}" if line else word
        if line and f.width(trial, size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + [line]


def letter_pdf(doc: Letter) -> bytes:
    return layout(doc)[0]


def layout(doc: Letter) -> tuple[bytes, tuple[float, float, float, float]]:
    """The PDF, and the box (x1, y1, x2, y2 in points from the bottom left) between the signer's
    title and name, where the signature goes (Decree 30/2020, Appendix I)."""
    items: list[tuple] = []
    left, right = 70.0, PAGE_W - 55.0
    lcx, rcx = 165.0, 420.0  # centres of the header columns

    def centred(text, key, size, cx, y, grey=0.0):
        items.append(("text", key, size, cx - _font(key).width(text, size) / 2, y, text, grey))

    y = PAGE_H - 60
    for text, key in doc.issuer:  # shrink a long agency name to its column
        centred(text, key, min(12.0, round(12 * 215 / _font(key).width(text, 12), 1)), lcx, y)
        y -= 15
    items.append(("line", lcx - 35, y + 11, lcx + 35, y + 11))
    centred(doc.number, "R", 12, lcx, y - 6)
    if not doc.title:  # a công văn carries its subject under the number
        yy = y - 22
        for line in _wrap(doc.subject, "R", 11, 230):
            centred(line, "R", 11, lcx, yy)
            yy -= 13
    y2 = PAGE_H - 60
    centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 11, rcx, y2)
    motto = "Độc lập - Tự do - Hạnh phúc"
    centred(motto, "B", 12, rcx, y2 - 15)
    half = _font("B").width(motto, 12) / 2
    items.append(("line", rcx - half, y2 - 19, rcx + half, y2 - 19))
    centred(doc.place_date, "R", 12, rcx, y2 - 40)

    y = PAGE_H - 175
    if doc.title:
        centred(doc.title, "B", 14, PAGE_W / 2, y)
        y -= 18
        for line in _wrap(doc.subject, "B", 13, 420):
            centred(line, "B", 13, PAGE_W / 2, y)
            y -= 16
        y -= 12
    if doc.recipients:
        for line in _wrap(doc.recipients, "R", 13, 400):
            centred(line, "R", 13, PAGE_W / 2, y)
            y -= 17
        y -= 8
    for para in doc.paragraphs:
        if para.startswith("^"):  # a heading line: bold, centred
            centred(para[1:], "B", 13, PAGE_W / 2, y)
            y -= 22
            continue
        for line in _wrap(para, "R", 13, right - left - 10):
            items.append(("text", "R", 13, left, y, line, 0.0))
            y -= 17
        y -= 5
    y -= 10
    top = y
    for line in doc.authority:
        centred(line, "B", 12, rcx, y)
        y -= 15
    if doc.signed_mark:
        centred(doc.signed_mark, "R", 12, rcx, y - 25)
    box = (rcx - 95, y - 58, rcx + 95, y - 4)
    centred(doc.signer, "B", 13, rcx, y - 70)
    y = top
    items.append(("text", "B", 11, left, y, "Nơi nhận:", 0.0))
    for line in doc.to_list:
        y -= 13
        items.append(("text", "R", 10, left, y, line, 0.0))
    if min(y, top - 100) <= 70:  # a learner's letter may be too long: say so, in Vietnamese
        raise ValueError(messages.text("library.letters.too_long"))
    note = "Văn bản mẫu tổng hợp cho khóa học Kỹ năng số Vĩnh Tường: số, ký hiệu và tên người là giả định."
    centred(note, "R", 8, PAGE_W / 2, 40, grey=0.4)
    return _pdf_bytes(items, f"{doc.title or 'Công văn'} {doc.number}"), box
