"""The sample mailbox's generator: 40 messages written from templates, each with the phishing signs it
carries. It is part of the answer key (kynangso.key): the signs of each message are the labels the
e-mail module's hidden tests check, so learners' kernels never see this file.

Safety: every address, domain and link is on a reserved name (.example, .test, .invalid, or an IP
in 192.0.2.0/24); attachments of dangerous types hold harmless placeholder text, never code.

Reproducibility: dates, Message-IDs and MIME boundaries come from the seed; top-level headers are
encoded with email.header (the default policy's folder drops spaces in long Vietnamese subjects);
PDF attachments are Decree 30 letters laid out by kynangso.letters (byte-stable).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from .. import workdays
from ..data.base import Context, ascii_slug, nfc, person, phone
from ..data.mailbox import AGENCY_WORDS, BANK_DOMAIN, CATEGORIES, DANGEROUS_EXTENSIONS, MAIL_DOMAIN, PORTAL, PROVINCE_DOMAIN, SIGNS, TRUSTED_DOMAINS
from ..data.units import DISTRICT_CODE, email_address
from ..letters import Letter, letter_pdf

VN_TZ = timezone(timedelta(hours=7))
PERIOD = (date(2022, 3, 1), date(2022, 4, 29))
WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]
PLACEHOLDER = nfc(
    "TỆP MÔ PHỎNG của khóa học Kỹ năng số Vĩnh Tường: đây không phải chương trình, không chạy được, không chứa mã "
    "độc. Một tệp thật cùng tên, cùng loại gửi kèm thư lừa đảo thường là mã độc: đừng mở.\n"
    "Placeholder for a phishing-awareness exercise: not a program, not executable, no malicious content.\n")


# --- the mailbox ------------------------------------------------------------------------------

@dataclass
class _Mail:
    key: str                               # stable ASCII id of the template (Message-ID, boundaries)
    nhom: str
    signs: tuple[str, ...]
    sender: tuple[str, str]                # (display name, address)
    to: list[tuple[str, str]]              # empty: "undisclosed-recipients:;"
    subject: str
    paragraphs: list[str]                  # plain text; "{L1}" marks a link
    when: datetime
    giai_thich: str
    cc: list[tuple[str, str]] = field(default_factory=list)
    reply_to: tuple[str, str] | None = None
    links: dict[str, tuple[str, str]] = field(default_factory=dict)  # mark -> (visible text, href)
    attachments: list[tuple[str, str, str, bytes]] = field(default_factory=list)  # name, maintype, subtype, bytes
    de_nham: bool = False
    in_reply_to: str | None = None
    quote: str = ""


def _vn(d: date) -> str:
    return f"{d.day}/{d.month}/{d.year}"


def _doc_date(d: date) -> str:
    """Decree 30/2020: days below 10 and months 1–2 take a leading zero."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def _weekday(d: date) -> str:
    return WEEKDAYS[d.weekday()]


def _previous_working_day(d: date) -> date:
    d -= timedelta(days=1)
    while not workdays.is_working_day(d):
        d -= timedelta(days=1)
    return d


def _digest(*parts) -> str:
    return hashlib.sha256(":".join(map(str, ("kynangso", "hop_thu", *parts))).encode()).hexdigest()


def _zip(inner_name: str, text: str) -> bytes:
    """A valid zip holding one harmless text file; stored (no compression) with a fixed date."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        info = zipfile.ZipInfo(inner_name, date_time=(2022, 1, 1, 0, 0, 0))
        info.create_system, info.external_attr = 3, 0o644 << 16
        z.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


FAKE_PAGE = nfc(
    "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Tệp mô phỏng</title></head>\n"
    "<body><p>TỆP MÔ PHỎNG của khóa học Kỹ năng số Vĩnh Tường, không có mã chạy. Một tệp .html thật gửi kèm thư "
    "lừa đảo thường giả trang đăng nhập để lấy mật khẩu: đừng nhập gì vào đó.</p></body></html>\n")


class _World:
    """The people and the calendar of the mailbox, all drawn from the seed."""

    def __init__(self, ctx: Context):
        self.seed = ctx.seed
        self.rng = rng = ctx.rng("hop_thu")
        self.staff = staff = ctx.rows("can_bo")
        desk = [s for s in staff if s["chuc_vu"] == "Công chức Văn phòng - Thống kê"]
        self.owner = o = rng.choice(desk)
        self.unit = o["co_quan"]                     # "UBND xã Kim Xá"
        self.place = self.unit.removeprefix("UBND ")  # "xã Kim Xá"
        self.x = "anh" if o["gioi_tinh"] == "nam" else "chị"
        self.X = self.x.capitalize()
        self.given = o["ho_ten"].split()[-1]
        same_unit = [s for s in staff if s["ma_don_vi"] == o["ma_don_vi"]]
        self.chair = next(s for s in same_unit if s["chuc_vu"].startswith("Chủ tịch"))
        self.vice = next(s for s in same_unit if s["chuc_vu"].startswith("Phó Chủ tịch"))
        self.peers = rng.sample([s for s in desk if s["ma_can_bo"] != o["ma_can_bo"]], 5)
        district = [s for s in staff if s["ma_don_vi"] == DISTRICT_CODE]

        def find(agency: str, position: str) -> dict:
            return next(s for s in district if s["co_quan"] == agency and s["chuc_vu"] == position)

        vp = "Văn phòng HĐND và UBND huyện"
        self.chu_tich = find("UBND huyện", "Chủ tịch UBND huyện")
        self.pho_ct = find("UBND huyện", "Phó Chủ tịch UBND huyện")
        self.chanh_vp, self.van_thu = find(vp, "Chánh Văn phòng"), find(vp, "Văn thư")
        self.cv_vp = find(vp, "Chuyên viên")
        self.nv_tp, self.nv_cv = find("Phòng Nội vụ", "Trưởng phòng"), find("Phòng Nội vụ", "Chuyên viên")
        self.tp_tp = find("Phòng Tư pháp", "Trưởng phòng")
        self.vh_tp, self.vh_cv = (find("Phòng Văn hóa và Thông tin", "Trưởng phòng"),
                                  find("Phòng Văn hóa và Thông tin", "Chuyên viên"))
        self.tc_cv = find("Phòng Tài chính - Kế hoạch", "Chuyên viên")
        taken: set[str] = set()

        def provincial(code: str, position: str, agency: str) -> dict:
            p = person(rng, born=(1968, 1992))
            address = email_address(p.ho_ten, code, taken).replace("@" + MAIL_DOMAIN, "@" + PROVINCE_DOMAIN)
            return {"ho_ten": p.ho_ten, "email": address, "chuc_vu": position, "co_quan": agency,
                    "dien_thoai": p.dien_thoai}

        sttt = "Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc"
        self.sttt_cv = provincial("stttt", "Chuyên viên", sttt)
        self.sttt_pgd = provincial("stttt", "Phó Giám đốc", sttt)
        self.snv_cv = provincial("snv", "Chuyên viên", "Sở Nội vụ tỉnh Vĩnh Phúc")
        self.citizens = [person(rng, born=(1975, 2000)) for _ in range(3)]
        self.strangers = [person(rng) for _ in range(4)]  # names on scammers' bank accounts
        self.shared: dict[str, object] = {}
        days = [PERIOD[0] + timedelta(days=k) for k in range((PERIOD[1] - PERIOD[0]).days + 1)]
        self._days = days
        self._workdays = [d for d in days if workdays.is_working_day(d)]

    # people as (display name, address) and signatures
    @staticmethod
    def addr(s: dict) -> tuple[str, str]:
        return (s["ho_ten"], s["email"])

    @staticmethod
    def org(s: dict) -> str:
        agency = s["co_quan"]
        if s.get("ma_don_vi") != DISTRICT_CODE:
            return agency
        return agency + (" Vĩnh Tường" if agency.endswith("huyện") else " huyện Vĩnh Tường")

    def sig(self, s: dict) -> str:
        """Name, post and agency, phone: "Chủ tịch UBND xã Việt Xuân", "Chuyên viên, Phòng Nội vụ huyện..."."""
        org, post = self.org(s), s["chuc_vu"]
        place = org.removeprefix("UBND ")  # "xã Việt Xuân", "thị trấn Thổ Tang"
        level = "thị trấn" if place.startswith("thị trấn") else "xã"
        title = post + place[len(level):] if org.startswith("UBND ") and post.endswith(level) else f"{post}, {org}"
        return f"{s['ho_ten']}\n{title}\nĐiện thoại: {s['dien_thoai']}"

    # the calendar
    def working(self, start: date = PERIOD[0], end: date = PERIOD[1], hours=((7, 30), (16, 45))) -> datetime:
        day = self.rng.choice([d for d in self._workdays if start <= d <= end])
        (h0, m0), (h1, m1) = hours
        minute = self.rng.randrange(h0 * 60 + m0, h1 * 60 + m1)
        if 11 * 60 + 30 <= minute < 13 * 60 + 30:  # lunch break: move to the afternoon
            minute += 120
        return datetime.combine(day, time(minute // 60, minute % 60, self.rng.randrange(60)))

    def anytime(self, start: date = PERIOD[0], end: date = PERIOD[1]) -> datetime:
        day = self.rng.choice([d for d in self._days if start <= d <= end])
        minute = self.rng.randrange(5 * 60, 23 * 60)
        return datetime.combine(day, time(minute // 60, minute % 60, self.rng.randrange(60)))

    def account(self) -> str:
        """A made-up bank account number: starts with 0000 like the course's phone numbers."""
        return f"0000 {self.rng.randrange(10**4):04d} {self.rng.randrange(10**4):04d}"

    def message_id(self, key: str, when: datetime, domain: str) -> str:
        return f"<{when:%Y%m%d%H%M%S}.{_digest(self.seed, key)[:12]}@{domain}>"

    def earlier_message(self, key: str, when: datetime) -> tuple[datetime, str]:
        """The owner's own message that a reply answers (not in the mailbox: it is in 'Đã gửi')."""
        day = _previous_working_day(when.date())
        sent = datetime.combine(day, time(9 + self.rng.randrange(7), self.rng.randrange(60)))
        return sent, self.message_id(key + "-goc", sent, MAIL_DOMAIN)

    def quote(self, sent: datetime, lines: list[str]) -> str:
        o = self.owner
        day = sent.date()
        head = f"Vào {_weekday(day)}, {_vn(day)} lúc {sent:%H:%M}, {o['ho_ten']} <{o['email']}> đã viết:"
        return "\n".join([head] + ["> " + line if line else ">" for line in lines])


def _district_header() -> list[tuple[str, str]]:
    return [("ỦY BAN NHÂN DÂN", "B"), ("HUYỆN VĨNH TƯỜNG", "B")]


def _pdf_attachment(name: str, doc: Letter) -> tuple[str, str, str, bytes]:
    return (name, "application", "pdf", letter_pdf(doc))


def _genuine(w: _World) -> list[_Mail]:
    rng, o, x, X, unit, place = w.rng, w.owner, w.x, w.X, w.unit, w.place
    me = [w.addr(o)]
    mails = []
    sign_vp = ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]

    # documents circulated as PDF attachments
    when = w.working(end=date(2022, 4, 8))
    n = rng.randint(180, 640)
    mails.append(_Mail(
        "cong-van-thu-cong-vu", "co_dinh_kem", (), w.addr(w.van_thu), me, cc=[w.addr(w.chair)], when=when,
        subject=f"Công văn số {n}/UBND-VP về việc sử dụng hộp thư điện tử công vụ",
        paragraphs=[f"Kính gửi: {unit}.",
                    f"Văn phòng HĐND và UBND huyện gửi Công văn số {n}/UBND-VP ngày {_vn(when.date())} của UBND "
                    "huyện về việc sử dụng hộp thư điện tử công vụ (tệp đính kèm).",
                    f"Đề nghị {unit} triển khai thực hiện; có vướng mắc xin phản hồi qua hộp thư này.",
                    "Trân trọng.", w.sig(w.van_thu)],
        attachments=[_pdf_attachment(f"Công văn {n}-UBND-VP.pdf", Letter(
            _district_header(), f"Số: {n}/UBND-VP", "Vĩnh Tường, " + _doc_date(when.date()), "",
            "V/v sử dụng hộp thư điện tử công vụ", "Kính gửi: Ủy ban nhân dân các xã, thị trấn.",
            ["Thực hiện Chỉ thị số 34/2008/CT-TTg của Thủ tướng Chính phủ về tăng cường sử dụng hệ thống thư điện "
             "tử trong hoạt động của cơ quan nhà nước, Ủy ban nhân dân huyện đề nghị Ủy ban nhân dân các xã, thị "
             "trấn:",
             "1. Chỉ đạo cán bộ, công chức kiểm tra hộp thư công vụ ít nhất hai lần mỗi ngày làm việc.",
             "2. Dùng hộp thư công vụ để gửi, nhận văn bản, tài liệu công việc; không dùng hộp thư cá nhân cho "
             "việc công.",
             "3. Không cho người khác biết mật khẩu; báo ngay cho Phòng Văn hóa và Thông tin khi nhận được thư nghi "
             "là giả mạo."],
            sign_vp, w.chanh_vp["ho_ten"], ["- Như trên;", "- Chủ tịch, các PCT UBND huyện;", "- Lưu: VT, VP."]))],
        giai_thich="Thư thật: văn thư huyện gửi từ địa chỉ công vụ @vinhtuong.example có trong danh sách cán bộ, "
                   "kèm công văn dạng PDF, không có liên kết lạ, không thúc ép, không đòi mật khẩu hay tiền."))

    when = w.working(end=date(2022, 4, 22))
    meeting = workdays.add_working_days(when.date(), 2)
    n = rng.randint(20, 95)
    mails.append(_Mail(
        "giay-moi-giao-ban", "co_dinh_kem", (), w.addr(w.van_thu), me + [w.addr(p) for p in w.peers[:3]], when=when,
        subject=f"Giấy mời số {n:02d}/GM-UBND họp trực tuyến giao ban công tác chuyển đổi số",
        paragraphs=["Kính gửi: Công chức Văn phòng - Thống kê các xã, thị trấn.",
                    f"UBND huyện tổ chức họp trực tuyến giao ban công tác chuyển đổi số. Thời gian: 8 giờ 00, "
                    f"{_weekday(meeting)}, ngày {_vn(meeting)}. Địa điểm: điểm cầu UBND huyện và điểm cầu UBND các "
                    "xã, thị trấn.",
                    "Nội dung chi tiết trong Giấy mời đính kèm. Đề nghị các đồng chí kiểm tra thiết bị tại điểm cầu "
                    "trước giờ họp 30 phút.",
                    "Trân trọng.", w.sig(w.van_thu)],
        attachments=[_pdf_attachment(f"Giấy mời {n:02d}-GM-UBND.pdf", Letter(
            _district_header(), f"Số: {n:02d}/GM-UBND", "Vĩnh Tường, " + _doc_date(when.date()), "GIẤY MỜI",
            "Họp trực tuyến giao ban công tác chuyển đổi số", "",
            ["Ủy ban nhân dân huyện Vĩnh Tường trân trọng kính mời:",
             "- Chủ tịch hoặc Phó Chủ tịch Ủy ban nhân dân các xã, thị trấn;",
             "- Công chức Văn phòng - Thống kê các xã, thị trấn.",
             f"Thời gian: 8 giờ 00, {_weekday(meeting)}, {_doc_date(meeting)}.",
             "Địa điểm: điểm cầu trực tuyến tại Ủy ban nhân dân huyện và Ủy ban nhân dân các xã, thị trấn.",
             "Nội dung: đánh giá kết quả chuyển đổi số từ đầu năm 2022; triển khai nhiệm vụ thời gian tới.",
             "Đề nghị các đại biểu tham dự đúng thời gian, thành phần."],
            sign_vp, w.chanh_vp["ho_ten"], ["- Như trên;", "- Lưu: VT, VP."]))],
        giai_thich="Thư thật: giấy mời họp do văn thư huyện gửi từ địa chỉ công vụ, gửi cùng lúc cho nhiều công "
                   "chức có trong danh sách cán bộ, tệp kèm là PDF, không có yêu cầu bất thường."))

    when = w.working(end=date(2022, 4, 15))
    deadline = workdays.add_working_days(when.date(), 5)
    training = workdays.add_working_days(when.date(), 12)
    n = rng.randint(25, 120)
    w.shared["ke_hoach"] = (when, deadline, n)
    mails.append(_Mail(
        "ke-hoach-tap-huan", "co_dinh_kem", (), w.addr(w.vh_tp), me, when=when,
        subject="Kế hoạch tập huấn kỹ năng số cho cán bộ, công chức cấp xã năm 2022",
        paragraphs=[f"Kính gửi: {unit}.",
                    f"Phòng Văn hóa và Thông tin gửi Kế hoạch số {n}/KH-UBND của UBND huyện về tập huấn kỹ năng số "
                    "cho cán bộ, công chức cấp xã năm 2022 (tệp đính kèm).",
                    "Đề nghị đơn vị lập danh sách học viên theo Kế hoạch và gửi về hộp thư này trước 16 giờ 00 ngày "
                    f"{_vn(deadline)}.",
                    "Trân trọng.", w.sig(w.vh_tp)],
        attachments=[_pdf_attachment(f"Kế hoạch {n}-KH-UBND tập huấn kỹ năng số.pdf", Letter(
            _district_header(), f"Số: {n}/KH-UBND", "Vĩnh Tường, " + _doc_date(when.date()), "KẾ HOẠCH",
            "Tập huấn kỹ năng số cho cán bộ, công chức cấp xã năm 2022", "",
            ["1. Mục đích: nâng cao kỹ năng dùng thư điện tử công vụ, Cổng Dịch vụ công, chữ ký số và bảo đảm an "
             "toàn thông tin cho cán bộ, công chức cấp xã.",
             "2. Đối tượng: mỗi xã, thị trấn cử 02 công chức, ưu tiên công chức Văn phòng - Thống kê và Tư pháp - "
             "Hộ tịch.",
             f"3. Thời gian: dự kiến từ {_doc_date(training)}, học 02 ngày trên máy tính tại hội trường Ủy ban "
             "nhân dân huyện.",
             "4. Nội dung: thư điện tử công vụ và nhận diện thư giả mạo; khai thác dữ liệu bằng bảng tính; văn bản "
             "điện tử có chữ ký số.",
             "5. Tổ chức thực hiện: Phòng Văn hóa và Thông tin chủ trì; Ủy ban nhân dân các xã, thị trấn gửi danh "
             "sách học viên đúng hạn."],
            ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], w.pho_ct["ho_ten"],
            ["- Các phòng chuyên môn;", "- UBND các xã, thị trấn;", "- Lưu: VT, VHTT."]))],
        giai_thich="Thư thật: Trưởng phòng Văn hóa và Thông tin gửi kế hoạch kèm PDF từ địa chỉ công vụ; hạn gửi "
                   "danh sách ghi rõ ngày giờ nhưng không dọa nạt, không có liên kết hay tệp lạ."))

    when = w.working(start=date(2022, 3, 7))
    n = rng.randint(40, 180)
    mails.append(_Mail(
        "huong-dan-thu-gia-mao", "co_dinh_kem", (), w.addr(w.sttt_cv), me + [w.addr(w.chanh_vp)], when=when,
        subject="Tài liệu hướng dẫn nhận diện thư điện tử giả mạo",
        paragraphs=["Kính gửi: UBND các huyện, thành phố; UBND các xã, phường, thị trấn.",
                    f"Sở Thông tin và Truyền thông gửi Hướng dẫn số {n}/HD-STTTT về nhận diện thư điện tử giả mạo "
                    "(tệp đính kèm) để các cơ quan, đơn vị phổ biến đến cán bộ, công chức.",
                    f"Đề nghị các đơn vị tổ chức phổ biến trong tháng {when.month}/2022.",
                    "Trân trọng.", w.sig(w.sttt_cv)],
        attachments=[_pdf_attachment("Hướng dẫn nhận diện thư giả mạo.pdf", Letter(
            [("UBND TỈNH VĨNH PHÚC", "R"), ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "B")], f"Số: {n}/HD-STTTT",
            "Vĩnh Phúc, " + _doc_date(when.date()), "HƯỚNG DẪN",
            "Nhận diện thư điện tử giả mạo gửi tới hộp thư công vụ", "",
            ["Thư giả mạo thường có một hoặc nhiều dấu hiệu sau:",
             "1. Tên miền người gửi gần giống tên miền của cơ quan: sai một chữ, thêm dấu gạch ngang, hoặc gắn tên "
             "miền thật vào trước một tên miền khác.",
             "2. Tên hiển thị là cơ quan nhà nước, ngân hàng nhưng địa chỉ thư thuộc tên miền khác.",
             "3. Liên kết hiển thị một địa chỉ nhưng dẫn tới địa chỉ khác; tệp đính kèm có đuôi .exe, .zip, .html, "
             ".docm hoặc đuôi kép như .pdf.exe.",
             "4. Thúc giục khẩn cấp, dọa khóa tài khoản; đòi mật khẩu, mã OTP, số thẻ hoặc đòi chuyển tiền.",
             "Khi nghi ngờ: không bấm liên kết, không mở tệp, gọi điện xác minh với người gửi và báo cho bộ phận "
             "phụ trách công nghệ thông tin của cơ quan."],
            ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], w.sttt_pgd["ho_ten"], ["- UBND các huyện, thành phố;", "- Lưu: VT."]))],
        giai_thich="Thư thật: chuyên viên Sở Thông tin và Truyền thông gửi từ tên miền tin cậy của tỉnh "
                   "@vinhphuc.example, kèm tài liệu PDF; thư không đòi hỏi gì ngoài việc phổ biến tài liệu."))

    when = w.working(start=date(2022, 3, 7))
    met = _previous_working_day(_previous_working_day(when.date()))
    n = rng.randint(30, 150)
    mails.append(_Mail(
        "thong-bao-ket-luan", "co_dinh_kem", (), w.addr(w.van_thu), me, cc=[w.addr(w.chair)], when=when,
        subject=f"Thông báo số {n}/TB-UBND kết luận của Chủ tịch UBND huyện tại cuộc họp giao ban tháng "
                f"{met.month}/2022",
        paragraphs=[f"Kính gửi: {unit}.",
                    f"Văn phòng HĐND và UBND huyện gửi Thông báo số {n}/TB-UBND ngày {_vn(when.date())} kết luận của "
                    f"Chủ tịch UBND huyện tại cuộc họp giao ban tháng {met.month}/2022 (tệp đính kèm).",
                    "Đề nghị đơn vị nghiên cứu, thực hiện các nội dung liên quan.",
                    "Trân trọng.", w.sig(w.van_thu)],
        attachments=[_pdf_attachment(f"Thông báo {n}-TB-UBND.pdf", Letter(
            _district_header(), f"Số: {n}/TB-UBND", "Vĩnh Tường, " + _doc_date(when.date()), "THÔNG BÁO",
            f"Kết luận của Chủ tịch Ủy ban nhân dân huyện tại cuộc họp giao ban tháng {met.month} năm 2022", "",
            [f"Ngày {_vn(met)}, đồng chí {w.chu_tich['ho_ten']}, Chủ tịch Ủy ban nhân dân huyện chủ trì cuộc họp "
             "giao ban. Sau khi nghe báo cáo và ý kiến của các đại biểu, Chủ tịch Ủy ban nhân dân huyện kết luận:",
             "1. Các xã, thị trấn đẩy mạnh tiếp nhận hồ sơ trực tuyến mức độ 3, 4; giải quyết hồ sơ đúng hạn, gửi "
             "văn bản xin lỗi công dân khi hồ sơ quá hạn.",
             "2. Cán bộ, công chức dùng hộp thư công vụ trong trao đổi công việc; văn bản điện tử ký số gửi qua hệ "
             "thống quản lý văn bản.",
             "3. Phòng Văn hóa và Thông tin hướng dẫn các đơn vị nhận diện thư điện tử giả mạo, bảo đảm an toàn "
             "thông tin."],
            sign_vp, w.chanh_vp["ho_ten"],
            ["- Chủ tịch, các PCT UBND huyện;", "- Các phòng chuyên môn;", "- UBND các xã, thị trấn;", "- Lưu: VT."]))],
        giai_thich="Thư thật: thông báo kết luận do văn thư huyện gửi từ địa chỉ công vụ, đồng gửi Chủ tịch UBND "
                   "xã, tệp kèm là PDF, không liên kết, không thúc ép."))

    # requests for reports, with deadlines
    when = w.working(end=date(2022, 4, 20))
    deadline = workdays.add_working_days(when.date(), 4)
    w.shared["bao_cao_thu"] = when
    template = nfc("Đơn vị,Tổng số cán bộ công chức,Số có hộp thư công vụ,Số sử dụng thường xuyên,Ghi chú\n"
                   f"{unit},,,,\n")
    mails.append(_Mail(
        "bao-cao-thu-cong-vu", "cong_vu", (), w.addr(w.nv_cv), me + [w.addr(p) for p in w.peers[:2]],
        cc=[w.addr(w.nv_tp)], when=when,
        subject="Đề nghị báo cáo số cán bộ, công chức sử dụng thư điện tử công vụ",
        paragraphs=["Kính gửi: Công chức Văn phòng - Thống kê các xã, thị trấn.",
                    "Để tổng hợp báo cáo UBND tỉnh, Phòng Nội vụ đề nghị các xã, thị trấn báo cáo số cán bộ, công "
                    "chức đã có hộp thư điện tử công vụ và số người sử dụng thường xuyên.",
                    f"Đơn vị điền theo mẫu đính kèm và gửi lại qua hộp thư này trước 16 giờ 00, {_weekday(deadline)} "
                    f"ngày {_vn(deadline)}.",
                    "Trân trọng.", w.sig(w.nv_cv)],
        attachments=[("Mẫu báo cáo thư công vụ.csv", "text", "csv", template.encode("utf-8"))],
        giai_thich="Thư thật: chuyên viên Phòng Nội vụ gửi từ địa chỉ công vụ, hạn báo cáo rõ ràng mà không dọa "
                   "nạt, tệp kèm là bảng mẫu .csv chứ không phải loại tệp nguy hiểm."))

    asked = w.shared["bao_cao_thu"]
    when = datetime.combine(workdays.next_working_day(asked.date()), time(8 + rng.randrange(8), rng.randrange(60)))
    sent, original = w.earlier_message("hoi-mau-bao-cao", when)
    sent = max(sent, asked + timedelta(minutes=37))
    mails.append(_Mail(
        "tra-loi-mau-bao-cao", "cong_vu", (), w.addr(w.nv_cv), me, cc=[w.addr(w.nv_tp)], when=when,
        subject="Re: Hỏi về mẫu báo cáo thư điện tử công vụ", in_reply_to=original,
        paragraphs=[f"Chào {x} {w.given},",
                    "Cột \"Số sử dụng thường xuyên\" tính những người đăng nhập hộp thư công vụ ít nhất một lần mỗi "
                    "tuần trong tháng gần nhất. Người hoạt động không chuyên trách không tính vào cột tổng số.",
                    "Đơn vị vẫn gửi báo cáo theo thời hạn đã nêu trong thư trước.",
                    "Trân trọng.", w.sig(w.nv_cv)],
        quote=w.quote(sent, ["Kính gửi Phòng Nội vụ,",
                             "Cột \"Số sử dụng thường xuyên\" trong mẫu báo cáo tính theo cách nào ạ? Người hoạt "
                             "động không chuyên trách có tính vào tổng số không?", "", o["ho_ten"]]),
        giai_thich="Thư thật: thư trả lời (Re:) của chuyên viên Phòng Nội vụ cho câu hỏi của chính người nhận, "
                   "đồng gửi Trưởng phòng, từ địa chỉ công vụ, không có liên kết, tệp hay yêu cầu bất thường."))

    when = w.working(start=date(2022, 3, 28), end=date(2022, 4, 8))
    deadline = workdays.add_working_days(when.date(), 3)
    mails.append(_Mail(
        "bao-cao-tthc-quy-1", "cong_vu", (), w.addr(w.cv_vp), me, cc=[w.addr(w.chair)], when=when,
        subject="Đề nghị báo cáo kết quả giải quyết thủ tục hành chính quý I năm 2022",
        paragraphs=[f"Kính gửi: {unit}.",
                    "Văn phòng HĐND và UBND huyện đề nghị đơn vị báo cáo kết quả giải quyết thủ tục hành chính quý I "
                    "năm 2022 (từ ngày 01/01/2022 đến ngày 31/3/2022): số hồ sơ tiếp nhận trực tiếp và trực tuyến; số "
                    "hồ sơ giải quyết trước hạn, đúng hạn, quá hạn; số hồ sơ quá hạn đã có văn bản xin lỗi.",
                    f"Báo cáo gửi qua hộp thư công vụ trước 16 giờ 00 ngày {_vn(deadline)}.",
                    "Trân trọng.", w.sig(w.cv_vp)],
        giai_thich="Thư thật: Văn phòng HĐND và UBND huyện đề nghị báo cáo có hạn cụ thể, gửi từ địa chỉ công vụ "
                   "có trong danh sách cán bộ, đồng gửi Chủ tịch UBND xã."))

    when = w.working(start=date(2022, 4, 20), end=date(2022, 4, 27))
    deadline = workdays.add_working_days(when.date(), 3)
    mails.append(_Mail(
        "bao-cao-chuyen-doi-so", "cong_vu", (), w.addr(w.vh_cv), me, when=when,
        subject="Đề nghị báo cáo kết quả chuyển đổi số 4 tháng đầu năm 2022",
        paragraphs=[f"Kính gửi: {unit}.",
                    "Phòng Văn hóa và Thông tin đề nghị đơn vị báo cáo kết quả chuyển đổi số 4 tháng đầu năm 2022, "
                    "gồm: tỷ lệ hồ sơ trực tuyến mức độ 3, 4; tỷ lệ văn bản đi được ký số; số cán bộ, công chức sử "
                    "dụng hộp thư công vụ; số sản phẩm OCOP được giới thiệu, bán trên sàn thương mại điện tử.",
                    f"Số liệu tính đến ngày 20/4/2022; báo cáo gửi qua hộp thư này trước 16 giờ 00 ngày "
                    f"{_vn(deadline)}.",
                    "Trân trọng.", w.sig(w.vh_cv)],
        giai_thich="Thư thật: chuyên viên Phòng Văn hóa và Thông tin đề nghị báo cáo định kỳ từ địa chỉ công vụ, "
                   "không liên kết, không tệp, không đòi thông tin cá nhân."))

    # three genuine mails that trip a naive rule
    when = w.working(hours=((7, 40), (9, 30)))
    mails.append(_Mail(
        "hoa-toc-hop-covid", "cong_vu", (), w.addr(w.chanh_vp), [w.addr(w.chair)] + me, cc=[w.addr(w.vice)],
        when=when, de_nham=True,
        subject="HỎA TỐC: Giấy mời họp trực tuyến về công tác phòng, chống dịch COVID-19 lúc 14 giờ 00 hôm nay",
        paragraphs=["Kính gửi: Chủ tịch UBND các xã, thị trấn; công chức Văn phòng - Thống kê các xã, thị trấn.",
                    "Thực hiện chỉ đạo của Chủ tịch UBND huyện, UBND huyện tổ chức họp trực tuyến về công tác phòng, "
                    f"chống dịch COVID-19 vào 14 giờ 00 hôm nay, {_weekday(when.date())}, ngày {_vn(when.date())}, tại "
                    "điểm cầu UBND huyện và điểm cầu UBND các xã, thị trấn.",
                    "Phòng họp trực tuyến: {L1}",
                    "Đề nghị công chức Văn phòng - Thống kê kiểm tra đường truyền tại điểm cầu trước 13 giờ 30. Giấy "
                    "mời có chữ ký số gửi sau trên hệ thống quản lý văn bản.",
                    "Trân trọng.", w.sig(w.chanh_vp)],
        links={"{L1}": ("https://hop.vinhtuong.example/phong/giao-ban",) * 2},
        giai_thich="Thư thật dù tiêu đề có chữ HỎA TỐC (quy tắc từ thúc giục bắt nhầm): gửi từ địa chỉ công vụ của "
                   "Chánh Văn phòng có trong danh sách cán bộ, liên kết dẫn đúng tới hop.vinhtuong.example, không đòi "
                   "mật khẩu hay tiền; HỎA TỐC, THƯỢNG KHẨN, KHẨN là các mức khẩn của văn bản hành chính."))

    when = w.working()
    deadline = workdays.add_working_days(when.date(), 2)
    mails.append(_Mail(
        "khan-truong-chung-thuc", "cong_vu", (), w.addr(w.tp_tp), me, cc=[w.addr(w.chair)], when=when, de_nham=True,
        subject="Đề nghị khẩn trương rà soát hồ sơ chứng thực chưa trả kết quả",
        paragraphs=[f"Kính gửi: {unit}.",
                    f"Qua theo dõi trên hệ thống một cửa điện tử, {unit} còn {rng.randint(2, 5)} hồ sơ chứng thực "
                    "chưa trả kết quả dù đã đến hạn.",
                    "Đề nghị đơn vị khẩn trương rà soát, trả kết quả cho công dân; với hồ sơ quá hạn, gửi văn bản xin "
                    "lỗi công dân (Mẫu 04) và báo cáo lý do về Phòng Tư pháp trước 16 giờ 00 ngày "
                    f"{_vn(deadline)}.",
                    "Trân trọng.", w.sig(w.tp_tp)],
        giai_thich="Thư thật dù có chữ \"khẩn\" (quy tắc từ thúc giục bắt nhầm): \"khẩn trương\" là lời văn hành "
                   "chính thường gặp; người gửi là Trưởng phòng Tư pháp dùng địa chỉ công vụ thật, thư không có liên "
                   "kết, tệp, hay yêu cầu mật khẩu, tiền."))

    when = w.working()
    mails.append(_Mail(
        "nhac-an-toan-tai-khoan", "cong_vu", (), w.addr(w.vh_cv), me + [w.addr(p) for p in w.peers[:3]],
        cc=[w.addr(w.vh_tp)], when=when, de_nham=True,
        subject="Nhắc nhở bảo đảm an toàn tài khoản thư điện tử công vụ",
        paragraphs=["Kính gửi: Công chức Văn phòng - Thống kê các xã, thị trấn.",
                    "Thời gian gần đây có nhiều thư giả mạo cơ quan nhà nước gửi tới hộp thư công vụ. Phòng Văn hóa "
                    "và Thông tin lưu ý:",
                    "- Không cơ quan nào đề nghị cán bộ gửi mật khẩu hay mã OTP qua thư điện tử hoặc điện thoại; "
                    "không trả lời những thư như vậy.\n"
                    "- Thư công vụ của huyện chỉ dùng đuôi @vinhtuong.example, của tỉnh dùng @vinhphuc.example; xem "
                    "kỹ địa chỉ thật của người gửi, không chỉ xem tên hiển thị.\n"
                    "- Không mở tệp đính kèm có đuôi .exe, .zip, .html, .docm hay đuôi kép như .pdf.exe.\n"
                    f"- Khi nghi ngờ, gọi Phòng Văn hóa và Thông tin theo số {w.vh_cv['dien_thoai']} để xác minh.",
                    "Đề nghị các đồng chí phổ biến tới cán bộ, công chức của đơn vị.",
                    "Trân trọng.", w.sig(w.vh_cv)],
        giai_thich="Thư thật dù nhắc tới mật khẩu và mã OTP (quy tắc đòi mật khẩu bắt nhầm): đây là lời nhắc an "
                   "toàn của Phòng Văn hóa và Thông tin từ địa chỉ công vụ thật, dặn KHÔNG gửi mật khẩu, không có "
                   "liên kết hay tệp đính kèm."))

    # replies and exchanges between colleagues
    when = w.working(start=date(2022, 4, 4))
    sent, original = w.earlier_message("du-thao-bao-cao", when)
    mails.append(_Mail(
        "tra-loi-du-thao-bao-cao", "cong_vu", (), w.addr(w.chair), me, cc=[w.addr(w.vice)], when=when,
        subject=f"Re: Dự thảo báo cáo chuyển đổi số của {place}", in_reply_to=original,
        paragraphs=[f"{X} {w.given},",
                    "Tôi đã xem dự thảo. Cơ bản đồng ý; đề nghị bổ sung số hồ sơ trực tuyến tháng 4 và số cán bộ dùng "
                    "hộp thư công vụ, rồi gửi lại để tôi ký số trước khi gửi huyện.",
                    "Đồng gửi đồng chí Phó Chủ tịch để nắm thông tin.",
                    w.sig(w.chair)],
        quote=w.quote(sent, ["Kính gửi đồng chí Chủ tịch,",
                             f"Xin gửi dự thảo báo cáo kết quả chuyển đổi số 4 tháng đầu năm 2022 của {place} để "
                             "đồng chí cho ý kiến.", "", o["ho_ten"]]),
        giai_thich="Thư thật: Chủ tịch UBND xã trả lời thư của chính người nhận, đồng gửi Phó Chủ tịch, từ địa chỉ "
                   "công vụ có trong danh sách cán bộ."))

    planned, deadline, _ = w.shared["ke_hoach"]
    peer = w.peers[3]
    when = w.working(start=workdays.next_working_day(planned.date()), end=_previous_working_day(deadline))
    peer_staff = [s for s in w.staff if s["ma_don_vi"] == peer["ma_don_vi"] and not s["la_lanh_dao"]][:2]
    roster = nfc("Họ và tên,Chức vụ,Đơn vị,Thư công vụ\n"
                 + "".join(f"{s['ho_ten']},{s['chuc_vu']},{s['co_quan']},{s['email']}\n" for s in peer_staff))
    peer_place = peer["co_quan"].removeprefix("UBND ")
    mails.append(_Mail(
        "trao-doi-danh-sach-hoc-vien", "cong_vu", (), w.addr(peer), me, when=when,
        subject="Danh sách học viên lớp tập huấn kỹ năng số",
        paragraphs=[f"Chào {x} {w.given},",
                    f"Mình gửi {x} danh sách học viên {peer_place} đã gửi Phòng Văn hóa và Thông tin, {x} tham khảo "
                    f"cách điền cho nhanh nhé. Hạn gửi là 16 giờ 00 ngày {_vn(deadline)}.",
                    f"Có gì chưa rõ {x} gọi mình.", w.sig(peer)],
        attachments=[(f"Danh sách học viên {peer_place}.csv", "text", "csv", roster.encode("utf-8"))],
        giai_thich="Thư thật: đồng nghiệp ở xã khác gửi từ địa chỉ công vụ thật, nội dung khớp kế hoạch tập huấn, "
                   "tệp kèm là bảng .csv thông thường."))

    # citizens and businesses (their own domains: not trusted, but not imitating anyone)
    c1, c2, c3 = w.citizens
    when = w.anytime()
    born = when.date() - timedelta(days=rng.randint(3, 20))
    mails.append(_Mail(
        "hoi-khai-sinh", "cong_dan", (), (c1.ho_ten, _citizen_address(c1)), me, when=when,
        subject="Hỏi về thủ tục đăng ký khai sinh cho con",
        paragraphs=[f"Kính gửi {unit},",
                    f"Tôi là {c1.ho_ten}, thường trú tại {place}. Con tôi sinh ngày {_vn(born)}.",
                    "Xin hỏi khi đi đăng ký khai sinh cho cháu, tôi cần mang những giấy tờ gì, có phải nộp lệ phí "
                    "không, và có làm được trực tuyến trên Cổng Dịch vụ công không?",
                    f"Số điện thoại của tôi: {c1.dien_thoai}. Xin cảm ơn.", c1.ho_ten],
        giai_thich="Thư thật: công dân hỏi thủ tục từ hộp thư cá nhân; tên miền không thuộc danh sách tin cậy nhưng "
                   "không giả dạng tên miền nào, thư không có liên kết, tệp hay yêu cầu bất thường."))

    when = w.anytime()
    mails.append(_Mail(
        "hoi-chung-thuc", "cong_dan", (), (c2.ho_ten, _citizen_address(c2)), me, when=when,
        subject="Hỏi về giờ nhận chứng thực bản sao buổi chiều",
        paragraphs=[f"Kính gửi Bộ phận Một cửa {unit},",
                    "Chiều thứ Sáu tôi đến chứng thực bản sao 10 trang giấy tờ sau 15 giờ thì có được không, và bao "
                    "giờ tôi nhận được kết quả? Lệ phí hết bao nhiêu ạ?",
                    "Tôi cảm ơn.", f"{c2.ho_ten}\nĐiện thoại: {c2.dien_thoai}"],
        giai_thich="Thư thật: công dân hỏi về giờ nhận hồ sơ và lệ phí từ hộp thư cá nhân, tên hiển thị là tên người, "
                   "không liên kết, không tệp đính kèm."))

    when = w.working()
    mails.append(_Mail(
        "htx-ocop", "cong_dan", (), ("Hợp tác xã Nông sản Ví Dụ", "lienhe@htxvidu.example"), me, when=when,
        subject="Đề nghị hướng dẫn hồ sơ đánh giá, phân hạng sản phẩm OCOP năm 2022",
        paragraphs=[f"Kính gửi: {unit}.",
                    f"Hợp tác xã Nông sản Ví Dụ sản xuất nông sản chế biến tại {place}, muốn đăng ký đánh giá, phân "
                    "hạng sản phẩm OCOP năm 2022.",
                    "Kính đề nghị Ủy ban hướng dẫn hồ sơ cần chuẩn bị và thời gian nộp hồ sơ.",
                    "Trân trọng cảm ơn.",
                    f"{c3.ho_ten}\nGiám đốc Hợp tác xã Nông sản Ví Dụ\nĐiện thoại: {c3.dien_thoai}"],
        giai_thich="Thư thật: hợp tác xã hỏi thủ tục OCOP từ tên miền riêng của mình; tên hiển thị khớp tổ chức gửi, "
                   "không nhận là cơ quan nhà nước, không có liên kết hay tệp lạ."))

    # automatic notices from the course's systems (subdomains of the trusted domain)
    when = w.working()
    k = rng.randint(2, 6)
    mails.append(_Mail(
        "dvc-ho-so-moi", "he_thong", (), ("Cổng DVC huyện Vĩnh Tường", f"thongbao@{PORTAL}"), me, when=when,
        subject=f"[Cổng Dịch vụ công] Có {k} hồ sơ trực tuyến mới chờ tiếp nhận",
        paragraphs=[f"Kính gửi {o['ho_ten']},",
                    f"{unit} có {k} hồ sơ nộp trực tuyến mới đang chờ tiếp nhận. Hồ sơ nộp từ 15 giờ 00 hoặc ngoài "
                    "ngày làm việc được tính từ ngày làm việc tiếp theo.",
                    "Xem và tiếp nhận hồ sơ tại: {L1}",
                    "Đây là thư tự động, vui lòng không trả lời thư này."],
        links={"{L1}": (f"https://{PORTAL}/can-bo/ho-so-cho-tiep-nhan",) * 2},
        giai_thich="Thư thật: thông báo tự động từ dichvucong.vinhtuong.example, tên miền con của tên miền tin cậy; "
                   "liên kết hiển thị đúng địa chỉ nó dẫn tới và thư không đòi mật khẩu."))

    when = w.working()
    saturday = when.date() + timedelta(days=(5 - when.weekday()) % 7 or 7)
    mails.append(_Mail(
        "bao-tri-thu-cong-vu", "he_thong", (), ("Hệ thống thư điện tử công vụ", f"quantri@{MAIL_DOMAIN}"), me,
        when=when,
        subject=f"Thông báo bảo trì hệ thống thư điện tử công vụ tối {_weekday(saturday)} {_vn(saturday)}",
        paragraphs=["Kính gửi các đồng chí cán bộ, công chức,",
                    "Hệ thống thư điện tử công vụ của huyện tạm dừng để bảo trì từ 20 giờ 00 đến 23 giờ 00, "
                    f"{_weekday(saturday)}, ngày {_vn(saturday)}. Trong thời gian này chưa gửi, nhận được thư; thư "
                    "gửi đến sẽ được chuyển khi hệ thống hoạt động trở lại.",
                    "Các đồng chí không cần làm gì thêm. Hướng dẫn sử dụng hộp thư: {L1}",
                    "Quản trị hệ thống thư điện tử công vụ huyện Vĩnh Tường"],
        links={"{L1}": ("https://mail.vinhtuong.example/huong-dan",) * 2},
        giai_thich="Thư thật: thông báo bảo trì từ địa chỉ quản trị trên tên miền tin cậy, chỉ báo thời gian tạm "
                   "dừng, không dọa khóa tài khoản, không đòi đăng nhập hay mật khẩu; hãy so với các thư giả danh "
                   "quản trị thư trong hộp thư này."))

    when = w.working()
    k = rng.randint(2, 4)
    mails.append(_Mail(
        "qlvb-van-ban-den", "he_thong", (), ("Hệ thống quản lý văn bản", f"qlvb@{MAIL_DOMAIN}"), me,
        when=when, subject=f"Có {k} văn bản đến mới cần xử lý",
        paragraphs=[f"Kính gửi {o['ho_ten']},",
                    f"{X} có {k} văn bản đến mới được chuyển xử lý trên Hệ thống quản lý văn bản và điều hành.",
                    "Xem văn bản tại: {L1}",
                    "Thư được gửi tự động từ hệ thống; không trả lời thư này."],
        links={"{L1}": ("https://qlvb.vinhtuong.example/van-ban-den",) * 2},
        giai_thich="Thư thật: thông báo tự động từ hệ thống quản lý văn bản trên tên miền tin cậy, liên kết hiển "
                   "thị và liên kết thật trùng nhau."))

    when = w.working()
    deadline = workdays.add_working_days(when.date(), 5)
    mails.append(_Mail(
        "khao-sat-so-noi-vu", "cong_vu", (), w.addr(w.snv_cv), me, cc=[w.addr(w.nv_tp)], when=when,
        subject="Khảo sát nhu cầu bồi dưỡng kỹ năng số của cán bộ, công chức cấp xã",
        paragraphs=["Kính gửi: Cán bộ, công chức cấp xã.",
                    "Sở Nội vụ tỉnh Vĩnh Phúc khảo sát nhu cầu bồi dưỡng kỹ năng số để xây dựng chương trình bồi "
                    "dưỡng năm 2022. Mỗi người trả lời khoảng 10 phút, không cần đăng nhập.",
                    "Phiếu khảo sát: {L1}",
                    f"Thời hạn trả lời: hết ngày {_vn(deadline)}.",
                    "Trân trọng.", w.sig(w.snv_cv)],
        links={"{L1}": ("https://khaosat.vinhphuc.example/ky-nang-so-2022",) * 2},
        giai_thich="Thư thật: chuyên viên Sở Nội vụ gửi từ tên miền của tỉnh @vinhphuc.example, liên kết khảo sát "
                   "dẫn đúng tới khaosat.vinhphuc.example và ghi rõ không cần đăng nhập."))

    when = w.working(start=w.shared["ke_hoach"][0].date() + timedelta(days=1))
    n = rng.randint(300, 1400)
    kh = w.shared["ke_hoach"][2]
    named = [o] + w.peers[:2]
    mails.append(_Mail(
        "quyet-dinh-cu-tap-huan", "co_dinh_kem", (), w.addr(w.van_thu), me, cc=[w.addr(w.chair)], when=when,
        subject=f"Quyết định số {n}/QĐ-UBND về việc cử cán bộ, công chức tham gia lớp tập huấn kỹ năng số",
        paragraphs=[f"Kính gửi: {unit}.",
                    f"Văn phòng HĐND và UBND huyện gửi Quyết định số {n}/QĐ-UBND ngày {_vn(when.date())} của UBND "
                    "huyện về việc cử cán bộ, công chức tham gia lớp tập huấn kỹ năng số (tệp đính kèm). Đồng chí "
                    f"{o['ho_ten']} có tên trong danh sách học viên.",
                    "Trân trọng.", w.sig(w.van_thu)],
        attachments=[_pdf_attachment(f"Quyết định {n}-QĐ-UBND.pdf", Letter(
            _district_header(), f"Số: {n}/QĐ-UBND", "Vĩnh Tường, " + _doc_date(when.date()), "QUYẾT ĐỊNH",
            "Về việc cử cán bộ, công chức tham gia lớp tập huấn kỹ năng số", "",
            ["^CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG",
             "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
             f"Căn cứ Kế hoạch số {kh}/KH-UBND của Ủy ban nhân dân huyện về tập huấn kỹ năng số cho cán bộ, công "
             "chức cấp xã năm 2022;",
             "Theo đề nghị của Trưởng phòng Văn hóa và Thông tin.",
             "^QUYẾT ĐỊNH:",
             "Điều 1. Cử các cán bộ, công chức sau tham gia lớp tập huấn kỹ năng số: "
             + "; ".join(f"{s['ho_ten']} ({s['co_quan']})" for s in named) + ".",
             "Điều 2. Thời gian, địa điểm, nội dung theo Kế hoạch; kinh phí thực hiện theo quy định.",
             "Điều 3. Chánh Văn phòng HĐND và UBND huyện, Trưởng phòng Văn hóa và Thông tin, Chủ tịch Ủy ban nhân "
             "dân các xã, thị trấn có liên quan và các cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết "
             "định này."],
            ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], w.pho_ct["ho_ten"], ["- Như Điều 3;", "- Lưu: VT, VHTT."]))],
        giai_thich="Thư thật: quyết định có tên người nhận, do văn thư huyện gửi từ địa chỉ công vụ kèm PDF, đồng "
                   "gửi Chủ tịch UBND xã; không liên kết, không thúc ép."))
    return mails


def _citizen_address(p) -> str:
    return f"{ascii_slug(p.ho_ten).replace(' ', '')}{p.nam_sinh % 100:02d}@thudan.example"


def _phishing(w: _World) -> list[_Mail]:
    o, x, X, unit = w.owner, w.x, w.X, w.unit
    me = [w.addr(o)]
    exe = PLACEHOLDER.encode("utf-8")
    brand, takeover, both = "lua_dao_gia_mao_thuong_hieu", "lua_dao_chiem_tai_khoan", "lua_dao_ket_hop"
    s1, s2, s3, s4 = w.strangers
    return [
        _Mail("khen-thuong-pdf-exe", brand,
              ("ten_mien_gia", "ten_hien_thi_khac_dia_chi", "tep_dinh_kem_nguy_hiem", "thuc_giuc_khan_cap"),
              ("UBND huyện Vĩnh Tường", "vanthu@vinhtuonq.example"), me, when=w.anytime(),
              subject="KHẨN: Quyết định khen thưởng cán bộ, công chức năm 2022",
              paragraphs=["Kính gửi đồng chí,",
                          "UBND huyện gửi Quyết định khen thưởng cán bộ, công chức có thành tích năm 2022 (tệp đính "
                          "kèm). Đề nghị đồng chí mở tệp, kiểm tra thông tin cá nhân và xác nhận trong hôm nay để kịp "
                          "tổng hợp.",
                          "Văn phòng UBND huyện Vĩnh Tường"],
              attachments=[("Quyet_dinh_khen_thuong.pdf.exe", "application", "octet-stream", exe)],
              giai_thich="Lừa đảo mạo danh: tên hiển thị là UBND huyện nhưng địa chỉ thuộc vinhtuonq.example (chữ q "
                         "thay chữ g của vinhtuong.example), tệp kèm có đuôi kép .pdf.exe là chương trình chạy được, "
                         "tiêu đề ghi KHẨN để thúc mở ngay."),
        _Mail("khoa-thu-cong-vu", both,
              ("ten_mien_gia", "ten_hien_thi_khac_dia_chi", "lien_ket_khac_dich", "thuc_giuc_khan_cap",
               "doi_mat_khau_otp"),
              ("Quản trị hệ thống thư công vụ", "quantri@vinhtuong.example.xacthuc.test"), me, when=w.anytime(),
              subject="Tài khoản thư công vụ của anh/chị sẽ bị khóa sau 24 giờ",
              paragraphs=["Kính gửi anh/chị,",
                          f"Hệ thống phát hiện tài khoản {o['email']} chưa xác thực theo quy định mới về an toàn "
                          "thông tin. Tài khoản sẽ bị khóa sau 24 giờ nếu không xác thực.",
                          "Để giữ tài khoản, anh/chị đăng nhập tại {L1} và nhập lại mật khẩu hiện tại.",
                          "Ban quản trị hệ thống thư điện tử công vụ"],
              links={"{L1}": ("https://mail.vinhtuong.example/xac-thuc",
                              "http://mail.vinhtuong.example.xacthuc.test/dang-nhap")},
              giai_thich="Lừa đảo kết hợp: địa chỉ thuộc vinhtuong.example.xacthuc.test (tên miền thật chỉ bị gắn "
                         "vào trước một tên miền .test), liên kết hiển thị mail.vinhtuong.example nhưng dẫn tới máy "
                         "khác, và thư dọa khóa sau 24 giờ để lấy mật khẩu."),
        _Mail("xac-thuc-dich-vu-cong", both,
              ("ten_mien_gia", "ten_hien_thi_khac_dia_chi", "lien_ket_khac_dich", "doi_mat_khau_otp"),
              ("Cổng DVC huyện Vĩnh Tường", "hotro@vinh-tuong.example"), me, when=w.anytime(),
              subject="Xác thực lại tài khoản cán bộ trên Cổng Dịch vụ công",
              paragraphs=[f"Kính gửi cán bộ {unit},",
                          "Cổng Dịch vụ công đang nâng cấp. Để tiếp tục tiếp nhận, xử lý hồ sơ trực tuyến, cán bộ cần "
                          "xác thực lại tài khoản tại {L1}.",
                          "Sau khi đăng nhập, nhập mã OTP gửi về điện thoại để hoàn tất.",
                          "Bộ phận hỗ trợ Cổng Dịch vụ công"],
              links={"{L1}": (f"https://{PORTAL}/xac-thuc", "http://192.0.2.45/dvc/xac-thuc")},
              giai_thich="Lừa đảo kết hợp: tên miền vinh-tuong.example thêm dấu gạch ngang để giả vinhtuong.example, "
                         "liên kết ghi dichvucong.vinhtuong.example nhưng dẫn tới địa chỉ IP 192.0.2.45, và thư đòi mã "
                         "OTP, điều cổng thật không bao giờ làm qua thư."),
        _Mail("phi-tai-khoan-luong", brand,
              ("ten_mien_gia", "ten_hien_thi_khac_dia_chi", "thuc_giuc_khan_cap", "yeu_cau_chuyen_tien"),
              ("Ngân hàng Ví Dụ", "thongbao@nganhangvidu-thongbao.test"), me, when=w.anytime(),
              subject="Thông báo phí duy trì tài khoản nhận lương chưa thanh toán",
              paragraphs=["Kính gửi quý khách,",
                          "Tài khoản nhận lương của quý khách còn nợ phí duy trì dịch vụ năm 2022 là 350.000 đồng.",
                          f"Quý khách vui lòng chuyển khoản trong 24 giờ vào tài khoản {w.account()} (chủ tài khoản "
                          f"{s1.ho_ten}). Quá hạn, tài khoản nhận lương sẽ bị khóa.",
                          "Ngân hàng Ví Dụ"],
              giai_thich="Lừa đảo mạo danh ngân hàng: tên miền nganhangvidu-thongbao.test không phải "
                         "nganhangvidu.example, thư đòi chuyển khoản vào tài khoản một cá nhân trong 24 giờ và dọa "
                         "khóa tài khoản; ngân hàng không thu phí theo cách này."),
        _Mail("chu-tich-nho-chuyen-tien", brand,
              ("ten_hien_thi_khac_dia_chi", "thuc_giuc_khan_cap", "yeu_cau_chuyen_tien"),
              (f"{w.chu_tich['ho_ten']} - Chủ tịch UBND huyện",
               f"{ascii_slug(w.chu_tich['ho_ten']).replace(' ', '')}.chutich@hopthu-canhan.test"),
              me, when=w.working(),
              reply_to=(w.chu_tich["ho_ten"], f"vanphong.chutich{w.rng.randrange(100):02d}@hopthu-canhan.test"),
              subject="Nhờ xử lý việc gấp",
              paragraphs=[f"Em {w.given} ơi,",
                          f"Anh đang họp trên tỉnh, không nghe điện thoại được. Em chuyển khoản giúp anh 15.000.000 "
                          f"đồng vào tài khoản {w.account()}, Ngân hàng Ví Dụ, chủ tài khoản {s2.ho_ten}, để kịp đóng "
                          "tiền hội nghị; chiều anh gửi lại.",
                          "Việc gấp, em làm luôn giúp anh và đừng gọi lại, anh đang họp.",
                          w.chu_tich["ho_ten"]],
              giai_thich="Lừa đảo mạo danh lãnh đạo: tên hiển thị là Chủ tịch UBND huyện nhưng địa chỉ thuộc "
                         "hopthu-canhan.test chứ không phải vinhtuong.example, thư đòi chuyển tiền gấp và dặn đừng gọi "
                         "lại để người nhận không kịp xác minh."),
        _Mail("dong-nghiep-xin-otp", takeover, ("thuc_giuc_khan_cap", "doi_mat_khau_otp"),
              w.addr(w.peers[0]), me, when=w.anytime(), de_nham=True,
              subject="Nhờ chút việc",
              paragraphs=[f"{X} {w.given} ơi,",
                          f"Em đang đăng ký tài khoản trên Cổng Dịch vụ công mà điện thoại em hỏng nên để nhận mã qua "
                          f"số của {x}. {X} đọc giúp em mã OTP vừa gửi về điện thoại {x} nhé, em cần gấp.",
                          w.peers[0]["ho_ten"]],
              giai_thich="Lừa đảo chiếm tài khoản gửi từ hộp thư thật của một đồng nghiệp đã bị chiếm: địa chỉ đúng "
                         "nên quy tắc về tên miền không bắt được, nhưng thư đòi mã OTP và thúc gấp; mã OTP gửi tới "
                         "điện thoại của mình không bao giờ đọc cho người khác."),
        _Mail("tai-lieu-hop-html", takeover, ("tep_dinh_kem_nguy_hiem", "doi_mat_khau_otp"),
              w.addr(w.tc_cv), me + [w.addr(p) for p in w.peers[1:3]], when=w.anytime(), de_nham=True,
              subject="Tài liệu phục vụ họp giao ban",
              paragraphs=["Kính gửi các đồng chí,",
                          "Gửi các đồng chí tài liệu phục vụ cuộc họp giao ban (tệp đính kèm). Tài liệu được bảo vệ: "
                          "mở tệp và đăng nhập bằng địa chỉ thư công vụ và mật khẩu để xem.",
                          f"{w.tc_cv['ho_ten']}\nPhòng Tài chính - Kế hoạch"],
              attachments=[("Tai_lieu_hop_giao_ban.html", "text", "html", FAKE_PAGE.encode("utf-8"))],
              giai_thich="Lừa đảo chiếm tài khoản từ hộp thư thật của một chuyên viên đã bị chiếm: tệp kèm .html giả "
                         "trang đăng nhập và thư đòi mật khẩu để \"xem tài liệu\", điều không hệ thống công vụ nào "
                         "làm."),
        _Mail("buu-pham-zip", brand, ("tep_dinh_kem_nguy_hiem", "thuc_giuc_khan_cap", "yeu_cau_chuyen_tien"),
              ("Chuyển phát Ví Dụ", "cskh@chuyenphatvidu.test"), me, when=w.anytime(),
              subject="Bưu phẩm gửi quý khách không giao được",
              paragraphs=["Kính gửi quý khách,",
                          f"Bưu phẩm gửi {unit} không giao được do thiếu thông tin địa chỉ.",
                          "Quý khách mở phiếu giao hàng đính kèm và thanh toán phí giao lại 25.000 đồng trong 24 giờ; "
                          "quá hạn, bưu phẩm sẽ bị hoàn về người gửi.",
                          "Chuyển phát Ví Dụ - Chăm sóc khách hàng"],
              attachments=[("Phieu_giao_hang.zip", "application", "zip", _zip("TEP_MO_PHONG.txt", PLACEHOLDER))],
              giai_thich="Lừa đảo mạo danh hãng chuyển phát: tên hiển thị khớp tên miền nên người gửi không lộ gì, "
                         "nhưng tệp kèm là tệp nén .zip, thư đòi thanh toán phí và hẹn 24 giờ để thúc ép."),
        _Mail("cap-nhat-thong-tin-can-bo", both,
              ("ten_mien_gia", "ten_hien_thi_khac_dia_chi", "lien_ket_khac_dich", "doi_mat_khau_otp"),
              ("Văn phòng HĐND và UBND huyện", "capnhat@vinhtuong-gov.test"), me, when=w.anytime(),
              subject="Cập nhật thông tin cán bộ, công chức năm 2022",
              paragraphs=["Kính gửi đồng chí,",
                          "Thực hiện chỉ đạo của UBND huyện về chuẩn hóa cơ sở dữ liệu cán bộ, công chức, đề nghị đồng "
                          "chí cập nhật thông tin tại {L1}.",
                          "Thông tin cần nhập: họ tên, số định danh cá nhân, tên đăng nhập và mật khẩu thư công vụ, số "
                          "thẻ ngân hàng nhận lương.",
                          "Văn phòng HĐND và UBND huyện"],
              links={"{L1}": ("https://vinhtuong.example/cap-nhat-can-bo", "http://vinhtuong-gov.test/cap-nhat")},
              giai_thich="Lừa đảo kết hợp: tên miền vinhtuong-gov.test giả tên miền của huyện, liên kết ghi "
                         "vinhtuong.example nhưng dẫn tới vinhtuong-gov.test, và không cơ quan nào xin mật khẩu thư "
                         "hay số thẻ ngân hàng qua biểu mẫu trên mạng."),
        _Mail("phu-cap-docm", brand, ("ten_mien_gia", "ten_hien_thi_khac_dia_chi", "tep_dinh_kem_nguy_hiem"),
              ("Phòng Tài chính - Kế hoạch huyện", "phongtckh@phongtckh-vinhtuong.test"), me, when=w.anytime(),
              subject="Bảng điều chỉnh phụ cấp cán bộ, công chức xã từ tháng 4/2022",
              paragraphs=["Kính gửi các đồng chí,",
                          "Phòng Tài chính - Kế hoạch gửi bảng điều chỉnh phụ cấp của cán bộ, công chức cấp xã áp dụng "
                          "từ tháng 4/2022 (tệp đính kèm).",
                          "Tệp được bảo vệ; khi mở, bấm \"Enable Content\" (Bật nội dung) để xem số liệu của mình.",
                          "Phòng Tài chính - Kế hoạch"],
              attachments=[("Bang_phu_cap_2022.docm", "application", "vnd.ms-word.document.macroEnabled.12", exe)],
              giai_thich="Lừa đảo mạo danh phòng chuyên môn: tên miền phongtckh-vinhtuong.test không phải "
                         "vinhtuong.example, tệp .docm chứa macro và thư xúi bật nội dung, cách mã độc thường dùng để "
                         "chạy."),
        _Mail("ho-so-bi-tu-choi", both, ("ten_hien_thi_khac_dia_chi", "lien_ket_khac_dich", "doi_mat_khau_otp"),
              (f"dichvucong@{MAIL_DOMAIN}", "no-reply@thongbao-hoso.test"), me, when=w.anytime(),
              subject="Hồ sơ trực tuyến của đơn vị bị từ chối, đề nghị đăng nhập để bổ sung",
              paragraphs=["Kính gửi cán bộ tiếp nhận,",
                          "Một hồ sơ trực tuyến do đơn vị tiếp nhận đã bị hệ thống từ chối vì thiếu thông tin.",
                          "Để bổ sung, đăng nhập tại {L1} bằng tên đăng nhập và mật khẩu Cổng Dịch vụ công.",
                          "Cổng Dịch vụ công"],
              links={"{L1}": (f"https://{PORTAL}/ho-so", "http://thongbao-hoso.test/dvc/dang-nhap")},
              giai_thich="Lừa đảo kết hợp: tên hiển thị là địa chỉ dichvucong@vinhtuong.example nhưng địa chỉ thật là "
                         "no-reply@thongbao-hoso.test, liên kết hiển thị cổng thật mà dẫn sang thongbao-hoso.test để "
                         "lấy mật khẩu."),
        _Mail("hop-thu-day", both,
              ("ten_hien_thi_khac_dia_chi", "lien_ket_khac_dich", "thuc_giuc_khan_cap", "doi_mat_khau_otp"),
              ("Quản trị hộp thư", "support@hopthu-dungluong.test"), [], when=w.anytime(),
              subject="Hộp thư của anh/chị đã đầy 98%",
              paragraphs=[f"Hộp thư {o['email']} đã dùng 98% dung lượng.",
                          "Thư mới sẽ bị từ chối và tài khoản bị khóa nếu không nâng cấp dung lượng ngay lập tức.",
                          "Nâng cấp miễn phí tại {L1}: nhập địa chỉ thư và mật khẩu để xác nhận.",
                          "Quản trị hộp thư"],
              links={"{L1}": ("https://mail.vinhtuong.example/nang-cap", "http://192.0.2.77/nang-cap")},
              giai_thich="Lừa đảo kết hợp: tên hiển thị \"Quản trị hộp thư\" nhưng gửi từ hopthu-dungluong.test, danh "
                         "sách người nhận bị ẩn, liên kết ghi mail.vinhtuong.example mà dẫn tới 192.0.2.77, và thư dọa "
                         "khóa ngay lập tức để lấy mật khẩu."),
        _Mail("trung-thuong-nop-phi", brand, ("ten_hien_thi_khac_dia_chi", "thuc_giuc_khan_cap", "yeu_cau_chuyen_tien"),
              ("Ban Tổ chức Hội thi tìm hiểu chuyển đổi số", "bantochuc@hoithi-chuyendoiso.test"), [],
              when=w.anytime(),
              subject="Chúc mừng anh/chị đã trúng giải Hội thi tìm hiểu chuyển đổi số",
              paragraphs=["Kính gửi anh/chị,",
                          "Chúc mừng anh/chị đã trúng giải Nhì Hội thi tìm hiểu chuyển đổi số năm 2022, trị giá "
                          "10.000.000 đồng.",
                          f"Để nhận thưởng, anh/chị nộp phí nhận thưởng 500.000 đồng vào tài khoản {w.account()} (chủ "
                          f"tài khoản {s3.ho_ten}) trong 24 giờ; quá hạn, giải thưởng sẽ bị hủy.",
                          f"Ban Tổ chức - Điện thoại: {phone(w.rng)}"],
              giai_thich="Lừa đảo mạo danh: \"Ban Tổ chức\" gửi từ hoithi-chuyendoiso.test, báo trúng giải một cuộc "
                         "thi không tham gia rồi đòi nộp phí nhận thưởng trong 24 giờ; giải thưởng thật không bắt "
                         "người trúng nộp tiền trước."),
        _Mail("dong-nghiep-vay-tien", takeover, ("thuc_giuc_khan_cap", "yeu_cau_chuyen_tien"),
              w.addr(w.peers[1]), me, when=w.anytime(), de_nham=True,
              subject="Vay tạm ít tiền",
              paragraphs=[f"{X} {w.given} ơi,",
                          f"Em đang ở bệnh viện với người nhà, cần gấp 5.000.000 đồng. {X} chuyển khoản giúp em vào "
                          f"tài khoản {w.account()}, chủ tài khoản {s4.ho_ten}, mai em gửi lại ngay.",
                          f"Em đang không nghe máy được, {x} nhắn qua thư giúp em nhé.",
                          w.peers[1]["ho_ten"]],
              giai_thich="Lừa đảo từ hộp thư thật của một đồng nghiệp đã bị chiếm: người gửi đúng nhưng thư đòi chuyển "
                         "tiền gấp vào tài khoản mang tên người khác và né nghe máy; hãy gọi điện cho đồng nghiệp để "
                         "xác minh."),
        _Mail("ngan-hang-mo-khoa", both,
              ("ten_mien_gia", "ten_hien_thi_khac_dia_chi", "lien_ket_khac_dich", "thuc_giuc_khan_cap",
               "doi_mat_khau_otp"),
              ("Ngân hàng Ví Dụ", "baomat@nganhangvidu.example.xacthuc.test"), me, when=w.anytime(),
              subject="Cảnh báo: tài khoản nhận lương tạm khóa do đăng nhập bất thường",
              paragraphs=["Kính gửi quý khách,",
                          "Hệ thống phát hiện đăng nhập bất thường nên tài khoản nhận lương của quý khách đã bị tạm "
                          "khóa.",
                          "Để mở khóa, truy cập {L1} và nhập số thẻ, mật khẩu và mã OTP trong vòng 24 giờ.",
                          "Ngân hàng Ví Dụ - Trung tâm bảo mật"],
              links={"{L1}": ("https://nganhangvidu.example/mo-khoa",
                              "http://nganhangvidu.example.xacthuc.test/mo-khoa")},
              giai_thich="Lừa đảo kết hợp: tên miền nganhangvidu.example.xacthuc.test chỉ gắn tên ngân hàng vào trước "
                         "một tên miền .test, liên kết dẫn tới máy khác với chữ hiển thị, thư đòi số thẻ, mật khẩu và "
                         "mã OTP trong 24 giờ."),
        _Mail("tinh-hoa-toc-zip", brand,
              ("ten_mien_gia", "ten_hien_thi_khac_dia_chi", "tep_dinh_kem_nguy_hiem", "thuc_giuc_khan_cap"),
              ("UBND tỉnh Vĩnh Phúc", "vanthu@vlnhphuc.example"), me + [w.addr(w.chair)], when=w.anytime(),
              subject="Công văn hỏa tốc về việc kiểm tra công vụ đột xuất",
              paragraphs=["Kính gửi: UBND các xã, thị trấn.",
                          "UBND tỉnh gửi công văn hỏa tốc về kiểm tra công vụ đột xuất (tệp nén đính kèm). Đề nghị các "
                          "đơn vị mở tệp và thực hiện ngay trong ngày.",
                          "Văn thư UBND tỉnh Vĩnh Phúc"],
              attachments=[("Cong_van_hoa_toc.zip", "application", "zip", _zip("TEP_MO_PHONG.txt", PLACEHOLDER))],
              giai_thich="Lừa đảo mạo danh: tên miền vlnhphuc.example dùng chữ l thay chữ i của vinhphuc.example, văn "
                         "bản thật không gửi dạng tệp nén .zip, và chữ hỏa tốc cùng yêu cầu làm ngay trong ngày để "
                         "thúc ép."),
        _Mail("ban-va-bao-mat-exe", brand, ("ten_hien_thi_khac_dia_chi", "tep_dinh_kem_nguy_hiem"),
              ("Bộ phận Kỹ thuật - Văn phòng UBND huyện", "kythuat@capnhat-baomat.test"), me, when=w.anytime(),
              subject="Cài đặt bản vá bảo mật cho máy tính cơ quan",
              paragraphs=["Kính gửi các đồng chí,",
                          "Để phòng chống mã độc, đề nghị cán bộ tải tệp đính kèm và chạy cài đặt trên máy tính làm "
                          "việc.",
                          "Nếu máy tính hiện cảnh báo, chọn \"Vẫn chạy\" để tiếp tục.",
                          "Bộ phận Kỹ thuật"],
              attachments=[("CapNhatBaoMat_2022.exe", "application", "x-msdownload", exe)],
              giai_thich="Lừa đảo mạo danh bộ phận kỹ thuật: tên hiển thị nhận là Văn phòng UBND huyện nhưng địa chỉ "
                         "thuộc capnhat-baomat.test, tệp kèm .exe là chương trình và thư còn xúi bỏ qua cảnh báo của "
                         "máy."),
        _Mail("chia-se-tai-lieu", takeover, ("lien_ket_khac_dich", "doi_mat_khau_otp"),
              ("Chia sẻ tài liệu", "thongbao@chiase-tailieu.test"), me, when=w.anytime(),
              subject=f"{w.peers[2]['ho_ten']} đã chia sẻ với bạn tài liệu \"Danh sách nâng lương năm 2022\"",
              paragraphs=[f"{w.peers[2]['ho_ten']} ({w.peers[2]['email']}) đã chia sẻ với bạn một tài liệu.",
                          "Danh sách nâng lương năm 2022",
                          "Mở tài liệu: {L1}",
                          "Tài liệu được bảo mật: đăng nhập bằng địa chỉ thư công vụ và mật khẩu để xem."],
              links={"{L1}": ("https://tailieu.example/danh-sach-nang-luong-2022", "http://192.0.2.33/dang-nhap")},
              giai_thich="Lừa đảo chiếm tài khoản: thông báo chia sẻ tài liệu từ chiase-tailieu.test mượn tên một đồng "
                         "nghiệp thật để tạo lòng tin, liên kết ghi tailieu.example nhưng dẫn tới 192.0.2.33, nơi đòi "
                         "mật khẩu thư công vụ."),
    ]


# --- rendering ---------------------------------------------------------------------------------

def _encoded(name: str, value: str) -> str:
    """One header line, RFC 2047 encoded when not ASCII. email.header's encoder keeps every space;
    the default policy's folder drops the space after an encoded word in long subjects."""
    if value.isascii():
        return f"{name}: {value}"
    return f"{name}: " + Header(value, "utf-8", maxlinelen=76, header_name=name).encode(linesep="\n")


_ATEXT = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")


def _encoded_word(text: str) -> str:
    word = "=?utf-8?b?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="
    assert len(word) <= 75, f"display name part too long for one encoded word (RFC 2047): {text!r}"
    return word


def _mailbox(display: str, address: str) -> list[str]:
    """A mailbox as tokens to be joined by single spaces. No two encoded words are ever adjacent:
    RFC 2047 says the space between them vanishes, Python's address parser keeps it, so a name
    split over two encoded words comes back wrong in one or the other. ASCII words stay plain
    atoms and each run of non-ASCII words becomes one encoded word."""
    if not display:
        return [f"<{address}>"]
    if display.isascii():
        return [formataddr((display, address))]
    tokens: list[str] = []
    run: list[str] = []
    for word in display.split(" "):
        if word.isascii() and _ATEXT.fullmatch(word):
            if run:
                tokens.append(_encoded_word(" ".join(run)))
                run = []
            tokens.append(word)
        else:
            run.append(word)
    if run:
        tokens.append(_encoded_word(" ".join(run)))
    return tokens + [f"<{address}>"]


def _fold(name: str, items: list[list[str]]) -> str:
    """Header name, then the items (lists of tokens) separated by commas, folded at spaces at 78."""
    lines, line = [], f"{name}:"
    for k, tokens in enumerate(items):
        tokens = tokens[:-1] + [tokens[-1] + ("," if k < len(items) - 1 else "")]
        for n, token in enumerate(tokens):
            starts_item = n == 0 and k > 0
            if len(line) + 1 + len(token) > 78 or (starts_item and len(items) > 1):
                lines.append(line)
                line = " " + token
            else:
                line += " " + token
    return "\n".join(lines + [line])


def _address_header(name: str, people: list[tuple[str, str]]) -> str:
    if not people:
        return f"{name}: undisclosed-recipients:;"
    return _fold(name, [_mailbox(d, a) for d, a in people])


def _link_text(visible: str, href: str) -> str:
    return visible if visible == href else f"{visible} <{href}>"


def _render(m: _Mail, w: _World) -> bytes:
    text = "\n\n".join(m.paragraphs)
    for mark, (visible, href) in m.links.items():
        text = text.replace(mark, _link_text(visible, href))
    if m.quote:
        text += "\n\n" + m.quote
    body = EmailMessage(policy=policy.default)
    body.set_content(nfc(text) + "\n", cte="quoted-printable")
    if m.links:
        paras = []
        for p in m.paragraphs:
            p = html.escape(nfc(p), quote=False).replace("\n", "<br>\n")
            for mark, (visible, href) in m.links.items():
                p = p.replace(mark, f'<a href="{html.escape(href)}">{html.escape(visible)}</a>')
            paras.append(f"<p>{p}</p>")
        page = ("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"></head>\n<body>\n"
                + "\n".join(paras) + "\n</body></html>\n")
        body.add_alternative(page, subtype="html", cte="quoted-printable")
    for name, maintype, subtype, data in m.attachments:
        if maintype == "text":  # as str, so that the part says charset="utf-8"
            body.add_attachment(data.decode("utf-8"), subtype=subtype, filename=nfc(name), cte="base64")
        else:
            body.add_attachment(data, maintype=maintype, subtype=subtype, filename=nfc(name))
    for k, part in enumerate(p for p in body.walk() if p.is_multipart()):
        part.set_boundary(f"kns-{_digest(w.seed, m.key, 'boundary', k)[:24]}-{k}")
    for part in body.walk():
        del part["MIME-Version"]  # EmailMessage repeats it in sub-parts; it belongs to the top only

    domain = m.sender[1].rsplit("@", 1)[1]
    headers = [_address_header("From", [m.sender]), _address_header("To", m.to)]
    if m.cc:
        headers.append(_address_header("Cc", m.cc))
    if m.reply_to:
        headers.append(_address_header("Reply-To", [m.reply_to]))
    headers += [_encoded("Subject", nfc(m.subject)),
                f"Date: {format_datetime(m.when.replace(tzinfo=VN_TZ))}",
                f"Message-ID: {w.message_id(m.key, m.when, domain)}"]
    if m.in_reply_to:
        headers += [f"In-Reply-To: {m.in_reply_to}", f"References: {m.in_reply_to}"]
    headers.append("MIME-Version: 1.0")
    return ("\n".join(headers) + "\n").encode("ascii") + body.as_bytes()


def _file_name(number: int, subject: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", ascii_slug(subject)).split()
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 40:
            break
        slug = f"{slug}-{word}" if slug else word
    return f"{number:03d}-{slug}.eml"



def _generate(ctx: Context) -> tuple[list[dict], list[dict]]:
    """The rows of hop_thu/nhan.csv (what learners read) and of the answer key's signs per message;
    the .eml files are added to `ctx`. Made once per generation run (both files need it)."""
    if "hop_thu:generated" in ctx.tables:
        return ctx.tables["hop_thu:generated"]
    w = _World(ctx)
    mails = _genuine(w) + _phishing(w)
    assert len({m.key for m in mails}) == len(mails)
    rows, signs = [], []
    for number, m in enumerate(sorted(mails, key=lambda m: (m.when, m.key)), start=1):
        assert m.nhom in CATEGORIES and all(s in SIGNS for s in m.signs), m.key
        name = _file_name(number, m.subject)
        ctx.add_file("hop_thu", f"hop_thu/{name}", _render(m, w))
        rows.append({"tep": name, "ngay_gui": m.when, "tu": m.sender[1], "tieu_de": nfc(m.subject),
                     "la_lua_dao": m.nhom.startswith("lua_dao"), "nhom": m.nhom, "de_nham": m.de_nham,
                     "giai_thich": nfc(m.giai_thich)})
        signs.append({"tep": name, "dau_hieu": ";".join(s for s in SIGNS if s in m.signs)})
    ctx.tables["hop_thu:generated"] = rows, signs
    return rows, signs


def messages(ctx: Context) -> list[dict]:
    """hop_thu/nhan.csv: what learners may know of each message."""
    return _generate(ctx)[0]


def signs(ctx: Context) -> list[dict]:
    """dap-an/hop_thu_dau_hieu.csv: the signs of each message (the answer key)."""
    return _generate(ctx)[1]
