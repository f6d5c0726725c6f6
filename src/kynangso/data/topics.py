"""What the district's 2022 documents are about, and how their summaries (trích yếu) are worded:
the topics of the district's work with the department that handles each, their seasons and
subjects, and the usual wording of each document type. Used by the registers of documents.py.
"""

# size: most lines are the table of document topics and their wording (data, one entry per line)

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date

from .registers import PROVINCE, VP, months, place, weighted


@dataclass(frozen=True)
class Topic:
    key: str
    dept: str  # district department that handles or drafts it
    weight: float
    subjects: tuple  # "phrase" or ("phrase", months); phrases read after "V/v triển khai"
    prov: tuple[str, ...] = ()  # province issuers (ISSUERS keys) that write about it
    central: tuple[str, ...] = ()  # central issuers
    season: dict | None = None  # month -> factor on weight
    leader: str = ""  # committee the district chairs: "Ban Chỉ đạo ..." (for decisions)

    def phrases(self, month: int) -> list[str]:
        out = [s for s in self.subjects if isinstance(s, str)]
        out += [s[0] for s in self.subjects if not isinstance(s, str) and month in s[1]]
        return out

    def factor(self, month: int) -> float:
        return (self.season or {}).get(month, 1.0)


TOPICS = [
    Topic(
        "chuyen_doi_so",
        "Phòng Văn hóa và Thông tin",
        10,
        (
            "công tác chuyển đổi số",
            "xây dựng chính quyền số",
            "việc sử dụng thư điện tử công vụ",
            "việc sử dụng chữ ký số trong gửi, nhận văn bản điện tử",
            "công tác bảo đảm an toàn thông tin mạng",
            "phát triển kinh tế số, xã hội số",
            "việc đánh giá chỉ số chuyển đổi số (DTI)",
            "việc bồi dưỡng kỹ năng số cho cán bộ, công chức",
            "công tác phòng, chống lừa đảo trực tuyến",
            ("việc chuẩn bị phòng họp không giấy", months(3, 12)),
        ),
        prov=("STTTT", "VPUBND"),
        central=("BTTTT",),
        leader="chuyển đổi số",
    ),
    Topic(
        "dich_vu_cong",
        VP,
        8,
        (
            "việc thực hiện cơ chế một cửa, một cửa liên thông",
            "công tác kiểm soát thủ tục hành chính",
            ("việc cung cấp dịch vụ công trực tuyến mức độ 3, 4", months(1, 7)),
            ("việc cung cấp dịch vụ công trực tuyến toàn trình và một phần", months(8, 12)),
            "việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
            "việc đánh giá mức độ hài lòng của người dân (SIPAS)",
            "việc thanh toán trực tuyến phí, lệ phí giải quyết thủ tục hành chính",
        ),
        prov=("VPUBND", "SNV"),
        central=("VPCP",),
    ),
    Topic(
        "cai_cach_hanh_chinh",
        "Phòng Nội vụ",
        5,
        (
            "công tác cải cách hành chính",
            "việc nâng cao chỉ số cải cách hành chính (PAR INDEX)",
            "công tác kiểm tra cải cách hành chính",
            "việc thực hiện văn hóa công vụ",
        ),
        prov=("SNV",),
        central=("BNV",),
        leader="cải cách hành chính",
    ),
    Topic(
        "noi_vu",
        "Phòng Nội vụ",
        5,
        (
            "công tác thi đua, khen thưởng",
            "công tác tuyển dụng công chức cấp xã",
            "công tác quản lý biên chế",
            ("việc đánh giá, xếp loại cán bộ, công chức năm 2022", months(11, 12)),
        ),
        prov=("SNV",),
        central=("BNV",),
    ),
    Topic(
        "covid",
        "Phòng Y tế",
        8,
        (
            "công tác phòng, chống dịch COVID-19",
            "việc tiêm mũi nhắc lại vắc xin phòng COVID-19",
            ("việc tiêm vắc xin phòng COVID-19 cho trẻ em từ 5 đến dưới 12 tuổi", months(4, 12)),
            "việc thích ứng an toàn, linh hoạt, kiểm soát hiệu quả dịch COVID-19",
            ("việc phục hồi và phát triển kinh tế - xã hội sau dịch COVID-19", months(3, 12)),
        ),
        prov=("SYT",),
        central=("BYT", "TTg"),
        leader="phòng, chống dịch COVID-19",
        season={1: 3.0, 2: 3.0, 3: 2.8, 4: 2.0, 5: 1.0, 6: 0.6, 7: 0.5, 8: 0.5, 9: 0.4, 10: 0.4, 11: 0.4, 12: 0.4},
    ),
    Topic(
        "ocop",
        "Phòng Nông nghiệp và Phát triển nông thôn",
        5,
        (
            "việc thực hiện Chương trình mỗi xã một sản phẩm (OCOP)",
            "việc đánh giá, phân hạng sản phẩm OCOP",
            "việc đưa sản phẩm OCOP lên sàn thương mại điện tử",
            "công tác xúc tiến thương mại sản phẩm OCOP",
        ),
        prov=("SNN", "SCT"),
        central=("BNN",),
        leader="Chương trình mỗi xã một sản phẩm (OCOP)",
    ),
    Topic(
        "nong_thon_moi",
        "Phòng Nông nghiệp và Phát triển nông thôn",
        7,
        (
            "việc xây dựng nông thôn mới nâng cao, nông thôn mới kiểu mẫu",
            "việc thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới giai đoạn 2021-2025",
            "việc thẩm định, xét công nhận xã đạt chuẩn nông thôn mới nâng cao",
            "việc huy động nguồn lực xây dựng nông thôn mới",
        ),
        prov=("SNN",),
        central=("BNN", "TTg"),
        leader="Chương trình mục tiêu quốc gia xây dựng nông thôn mới",
    ),
    Topic(
        "thien_tai",
        "Phòng Nông nghiệp và Phát triển nông thôn",
        4,
        (
            "công tác phòng, chống thiên tai và tìm kiếm cứu nạn",
            ("việc chủ động ứng phó với mưa lớn, lũ", months(6, 10)),
            ("công tác bảo đảm an toàn đê điều trong mùa mưa lũ", months(5, 10)),
            "công tác phòng, chống dịch bệnh trên gia súc, gia cầm",
        ),
        prov=("SNN",),
        central=("TTg",),
        leader="phòng, chống thiên tai và tìm kiếm cứu nạn",
        season={1: 0.3, 2: 0.3, 3: 0.5, 4: 1.2, 5: 2.0, 6: 2.5, 7: 2.5, 8: 2.5, 9: 2.0, 10: 1.0, 11: 0.4, 12: 0.3},
    ),
    Topic(
        "dat_dai",
        "Phòng Tài nguyên và Môi trường",
        9,
        (
            "công tác quản lý nhà nước về đất đai",
            "việc cấp giấy chứng nhận quyền sử dụng đất lần đầu",
            "công tác bồi thường, hỗ trợ, giải phóng mặt bằng",
            "việc đấu giá quyền sử dụng đất",
            "việc xử lý vi phạm pháp luật về đất đai",
            "công tác thống kê đất đai",
            ("việc lập kế hoạch sử dụng đất năm 2023", months(8, 12)),
        ),
        prov=("STNMT",),
        central=("BTNMT",),
    ),
    Topic(
        "moi_truong",
        "Phòng Tài nguyên và Môi trường",
        4,
        (
            "công tác thu gom, xử lý rác thải sinh hoạt",
            "công tác bảo vệ môi trường làng nghề",
            "công tác bảo vệ môi trường nông thôn",
        ),
        prov=("STNMT",),
    ),
    Topic(
        "giao_duc",
        "Phòng Giáo dục và Đào tạo",
        6,
        (
            ("việc tổ chức dạy học trực tiếp sau thời gian học trực tuyến", months(2, 3)),
            ("công tác tuyển sinh vào lớp 1, lớp 6 năm học 2022-2023", months(4, 7)),
            ("việc tổng kết năm học 2021-2022", months(5, 6)),
            ("việc chuẩn bị các điều kiện cho năm học 2022-2023", months(7, 8)),
            ("việc triển khai nhiệm vụ năm học 2022-2023", months(8, 10)),
            "công tác xây dựng trường học đạt chuẩn quốc gia",
            "công tác bảo đảm an toàn trường học",
        ),
        prov=("SGDĐT",),
        central=("BGDĐT",),
    ),
    Topic(
        "y_te",
        "Phòng Y tế",
        3,
        (
            "việc thực hiện bảo hiểm y tế toàn dân",
            "công tác quản lý hành nghề y, dược tư nhân",
            ("công tác bảo đảm an toàn thực phẩm dịp Tết Nguyên đán Nhâm Dần 2022", months(1, 1)),
            ("công tác bảo đảm an toàn thực phẩm dịp Tết Nguyên đán Quý Mão 2023", months(12, 12)),
            ("công tác phòng, chống sốt xuất huyết", months(6, 11)),
        ),
        prov=("SYT",),
        central=("BYT",),
    ),
    Topic(
        "an_sinh",
        "Phòng Lao động - Thương binh và Xã hội",
        5,
        (
            ("việc thăm, tặng quà các gia đình chính sách dịp Tết Nguyên đán Nhâm Dần 2022", months(1, 1)),
            ("việc thăm, tặng quà các gia đình chính sách dịp Tết Nguyên đán Quý Mão 2023", months(12, 12)),
            ("việc kỷ niệm 75 năm Ngày Thương binh - Liệt sĩ (27/7/1947 - 27/7/2022)", months(6, 7)),
            ("việc rà soát hộ nghèo, hộ cận nghèo năm 2022", months(9, 12)),
            ("việc hỗ trợ người lao động gặp khó khăn do đại dịch COVID-19", months(1, 6)),
            "công tác giải quyết việc làm, đào tạo nghề cho lao động nông thôn",
            "việc chi trả trợ cấp xã hội không dùng tiền mặt",
        ),
        prov=("SLĐTBXH",),
    ),
    Topic(
        "tai_chinh",
        "Phòng Tài chính - Kế hoạch",
        6,
        (
            ("việc xây dựng dự toán ngân sách nhà nước năm 2023", months(7, 12)),
            ("việc quyết toán ngân sách nhà nước năm 2021", months(3, 7)),
            "việc giải ngân vốn đầu tư công",
            "công tác thực hành tiết kiệm, chống lãng phí",
            "việc đăng ký hộ kinh doanh qua mạng",
        ),
        prov=("STC", "SKHĐT"),
    ),
    Topic(
        "ha_tang",
        "Phòng Kinh tế và Hạ tầng",
        4,
        (
            "công tác quản lý trật tự xây dựng",
            "việc cấp giấy phép xây dựng nhà ở riêng lẻ",
            "việc đầu tư xây dựng đường giao thông nông thôn",
            "công tác bảo đảm trật tự an toàn giao thông",
            "công tác quản lý cụm công nghiệp",
        ),
        prov=("SXD", "SCT"),
    ),
    Topic(
        "tu_phap",
        "Phòng Tư pháp",
        4,
        (
            "công tác phổ biến, giáo dục pháp luật",
            "việc chứng thực bản sao điện tử từ bản chính",
            "công tác đăng ký và quản lý hộ tịch",
            "công tác hòa giải ở cơ sở",
            ("việc hưởng ứng Ngày Pháp luật Việt Nam năm 2022", months(10, 11)),
        ),
        prov=("STP",),
    ),
    Topic(
        "van_hoa",
        "Phòng Văn hóa và Thông tin",
        4,
        (
            ("việc tổ chức đón Tết Nguyên đán Nhâm Dần 2022", months(1, 1)),
            ("công tác quản lý lễ hội đầu xuân năm 2022", months(1, 3)),
            ("việc tổ chức đón Tết Nguyên đán Quý Mão 2023", months(12, 12)),
            "phong trào Toàn dân đoàn kết xây dựng đời sống văn hóa",
            "công tác thông tin, tuyên truyền trên cổng thông tin điện tử huyện",
        ),
        prov=("SVHTTDL",),
    ),
    Topic(
        "thanh_tra",
        "Thanh tra huyện",
        3,
        (
            "công tác tiếp công dân, giải quyết khiếu nại, tố cáo",
            "công tác phòng, chống tham nhũng",
            ("việc kê khai tài sản, thu nhập năm 2022", months(10, 12)),
        ),
    ),
    Topic(
        "tong_hop",
        VP,
        6,
        (
            ("công tác tổng kết năm 2021 và xây dựng kế hoạch năm 2022", months(1, 1)),
            ("công tác sơ kết 6 tháng đầu năm 2022", months(6, 7)),
            ("công tác tổng kết năm 2022 và xây dựng kế hoạch năm 2023", months(11, 12)),
            "việc thực hiện nhiệm vụ phát triển kinh tế - xã hội",
            "việc thực hiện chế độ thông tin, báo cáo",
        ),
        prov=("VPUBND", "SKHĐT"),
    ),
]
TOPIC = {t.key: t for t in TOPICS}
# Công điện are for emergencies only.
CONG_DIEN = {
    "covid": ("tăng cường các biện pháp phòng, chống dịch COVID-19", months(1, 4)),
    "thien_tai": ("chủ động ứng phó với mưa lớn, lũ", months(6, 9)),
}
# Resolutions of the People's Councils, passed at their mid-year and year-end sessions.
RESOLUTIONS = (
    ("Về phê chuẩn quyết toán ngân sách nhà nước năm 2021", months(7, 8)),
    ("Về điều chỉnh kế hoạch đầu tư công năm 2022", months(7, 8)),
    ("Về dự toán ngân sách nhà nước năm 2023", months(12, 12)),
    ("Về kế hoạch đầu tư công năm 2023", months(12, 12)),
    ("Về nhiệm vụ phát triển kinh tế - xã hội năm 2023", months(12, 12)),
)
PROJECTS = (
    "đường giao thông nông thôn",
    "cải tạo, nâng cấp kênh tiêu",
    "xây dựng trường mầm non",
    "mở rộng nghĩa trang nhân dân",
    "khu đấu giá quyền sử dụng đất",
    "nhà văn hóa thôn",
    "cải tạo chợ trung tâm",
    "điểm tập kết rác thải",
)
YEAR_RE = re.compile(r"20\d\d")
# Requests (tờ trình) for money: for a building project, or for the work itself.
BUILDS = {"ha_tang", "nong_thon_moi", "tai_chinh"}
FUNDED = {"covid", "thien_tai", "moi_truong", "giao_duc", "van_hoa", "an_sinh", "chuyen_doi_so", "y_te", "ocop"}


def bare(s: str) -> str:
    return s.removeprefix("việc ")


def with_year(s: str, d: date) -> str:
    """A plan's year: plans written in December are for the next year."""
    return s if YEAR_RE.search(s) else f"{s} năm {d.year + (d.month == 12)}"


def period(month: int) -> str:
    """What a report written in that month usually covers."""
    return {
        1: "năm 2021",
        2: "tháng 01 năm 2022",
        3: "quý I năm 2022",
        4: "quý I năm 2022",
        5: "tháng 4 năm 2022",
        6: "6 tháng đầu năm 2022",
        7: "6 tháng đầu năm 2022",
        8: "tháng 7 năm 2022",
        9: "9 tháng năm 2022",
        10: "9 tháng năm 2022",
        11: "tháng 10 năm 2022",
        12: "năm 2022",
    }[month]


def with_period(s: str, month: int) -> str:
    return s if YEAR_RE.search(s) else f"{s} {period(month)}"


def summary(
    rng: random.Random,
    kind: str,
    topic: Topic,
    d: date,
    level: str = "",
    outgoing: bool = False,
    commune: str = "",
    abbr: str = "",
    upward: bool = False,
) -> str:
    """Trích yếu: what the document is about, in the usual wording of its type."""
    s = rng.choice(topic.phrases(d.month))
    b = bare(s)
    if kind == "cong_van":
        if outgoing and commune:
            verb = rng.choice(["đôn đốc", "hướng dẫn", "đề nghị báo cáo kết quả"])
            return f"V/v {verb} {b} tại {place(commune)}"
        verbs = [
            "triển khai",
            "tăng cường",
            "đẩy mạnh",
            "đôn đốc",
            "hướng dẫn",
            "đề nghị báo cáo kết quả" if outgoing else "báo cáo kết quả",
        ]
        if level in ("xa", "huyen") or upward:
            verbs = ["báo cáo kết quả", "đề nghị hướng dẫn", "góp ý dự thảo văn bản về"]
        return f"V/v {rng.choice(verbs)} {b}"
    if kind == "quyet_dinh":
        if topic.leader and (outgoing or level == "tinh" and abbr == "UBND") and rng.random() < 0.3:
            who = "huyện Vĩnh Tường" if outgoing else PROVINCE
            return f"Về việc kiện toàn Ban Chỉ đạo {topic.leader} {who}"
        return f"Về việc ban hành Kế hoạch {with_year(b, d)}"
    if kind == "ke_hoach":
        return f"Triển khai {with_year(b, d)}" + (" trên địa bàn huyện" if outgoing else "")
    if kind == "bao_cao":
        return f"Kết quả {with_period(b, d.month)}"
    if kind == "huong_dan":
        return f"Hướng dẫn {b}"
    if kind == "giay_moi":
        return f"Mời dự hội nghị {rng.choice(['', 'trực tuyến '])}về {b}"
    if kind == "thong_bao":
        return f"Kết luận của lãnh đạo {'UBND huyện ' if outgoing else ''}tại cuộc họp về {b}"
    if kind == "chi_thi":
        return f"Về việc tăng cường {b}"
    if kind == "to_trinh":
        project = rng.choice(PROJECTS)
        if topic.key == "dat_dai" and level == "xa":
            return f"Về việc đề nghị thu hồi đất để thực hiện dự án {project}"
        if topic.key in BUILDS:
            return f"Về việc đề nghị hỗ trợ kinh phí thực hiện dự án {project}"
        if topic.key in FUNDED:
            return f"Về việc đề nghị hỗ trợ kinh phí {b}"
        return f"Về việc đề nghị phê duyệt Kế hoạch {with_year(b, d)}"
    if kind == "cong_dien":
        return f"Về việc {CONG_DIEN[topic.key][0]}"
    if kind == "nghi_quyet":
        return rng.choice([r for r, m in RESOLUTIONS if d.month in m])
    raise ValueError(kind)


def allowed(kind: str, topic: Topic, d: date) -> bool:
    if kind == "cong_dien":
        return topic.key in CONG_DIEN and d.month in CONG_DIEN[topic.key][1]
    if kind == "nghi_quyet":
        return any(d.month in m for _, m in RESOLUTIONS)
    return True


def pick_topic(rng: random.Random, month: int, boost: dict | None = None) -> Topic:
    return weighted(rng, ((t, t.weight * t.factor(month) * (boost or {}).get(t.key, 1.0)) for t in TOPICS))


def urgency(rng: random.Random, kind: str, topic: Topic, d: date) -> str:
    if kind == "cong_dien":
        return weighted(rng, (("hoa_toc", 0.6), ("thuong_khan", 0.4)))
    hurry = 2.0 if topic.key in ("covid", "thien_tai") and topic.factor(d.month) >= 2 else 1.0
    if kind == "giay_moi":
        hurry *= 2.0
    return weighted(
        rng, (("hoa_toc", 0.012 * hurry), ("thuong_khan", 0.03 * hurry), ("khan", 0.10 * hurry), ("thuong", 1.0))
    )
