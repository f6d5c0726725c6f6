"""hop_thu/: one official's mailbox of .eml messages, genuine and phishing, and what learners may
know about them.

For the official e-mail module: learners read the messages with the standard `email` package and
write rule-based detectors. hop_thu/nhan.csv tells them which messages are phishing (they measure
their detector's accuracy against it); the signs each message carries are the answer key
(datasets/dap-an/hop_thu_dau_hieu.csv, written by the generator in kynangso.key.mailbox), which only
the grader's trusted runner reads. The signs are those of the national phishing guidance (scams
impersonating a brand, taking over an account, or both), each detectable by one of the simple rules
stated below (TRUSTED_DOMAINS, the word lists, SIGNS), which the key agrees with exactly; a few
genuine messages trip a naive rule on purpose (`de_nham`).
"""

from __future__ import annotations

from .base import SYNTHETIC_NOTE, Column, Dataset
from .units import MAIL_DOMAIN

PROVINCE_DOMAIN = "vinhphuc.example"
BANK_DOMAIN = "nganhangvidu.example"  # "Ngân hàng Ví Dụ", the course's made-up bank that pays salaries
PORTAL = "dichvucong.vinhtuong.example"  # the course's district public-service portal

# --- the stated rules (the notebook may import them) -----------------------------------------
TRUSTED_DOMAINS = (MAIL_DOMAIN, PROVINCE_DOMAIN, BANK_DOMAIN)  # and their subdomains
DANGEROUS_EXTENSIONS = (
    ".exe",
    ".scr",
    ".com",
    ".bat",
    ".cmd",
    ".js",
    ".vbs",
    ".jar",
    ".msi",
    ".lnk",
    ".iso",
    ".docm",
    ".xlsm",
    ".pptm",
    ".html",
    ".htm",
    ".zip",
    ".rar",
    ".7z",
)
# the inner part of a double extension such as Quyet_dinh.pdf.exe
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".png", ".txt")
URGENCY_WORDS = (
    "khẩn",
    "hỏa tốc",
    "hoả tốc",
    "gấp",
    "24 giờ",
    "ngay lập tức",
    "ngay trong ngày",
    "bị khóa",
    "bị khoá",
    "tạm khóa",
    "tạm khoá",
)
SECRET_WORDS = ("mật khẩu", "otp", "mã xác thực", "số thẻ", "mã pin")
MONEY_WORDS = ("chuyển khoản", "chuyển tiền", "nộp phí", "thanh toán phí")
AGENCY_WORDS = (
    "ubnd",
    "ủy ban",
    "uỷ ban",
    "hđnd",
    "phòng",
    "sở",
    "ban",
    "bộ phận",
    "cổng",
    "quản trị",
    "hệ thống",
    "ngân hàng",
    "chủ tịch",
    "trung tâm",
)

SIGNS = {  # code -> (short name, the rule that detects it), in Vietnamese for the dictionary and feedback
    "ten_mien_gia": (
        "tên miền giả dạng",
        "tên miền của địa chỉ người gửi không phải một tên miền tin cậy hay tên miền con của nó, nhưng "
        "có một nhãn (bỏ dấu gạch ngang) chứa tên tin cậy (vinhtuong, vinhphuc, nganhangvidu) hoặc chỉ "
        "khác tên đó 1–2 ký tự",
    ),
    "ten_hien_thi_khac_dia_chi": (
        "tên hiển thị khác địa chỉ",
        "tên hiển thị nhận là cơ quan, tổ chức (có từ UBND, Phòng, Sở, Ban, Bộ phận, Cổng, "
        "Quản trị, Hệ thống, Ngân hàng, Chủ tịch, Trung tâm...) hoặc là một địa chỉ thư, "
        "trong khi địa chỉ thật không thuộc tên miền tin cậy",
    ),
    "lien_ket_khac_dich": (
        "liên kết dẫn tới nơi khác chữ hiển thị",
        "phần HTML có thẻ `<a>` mà chữ hiển thị là một địa chỉ web có tên máy khác tên máy thật trong `href`",
    ),
    "tep_dinh_kem_nguy_hiem": (
        "tệp đính kèm nguy hiểm",
        "tệp đính kèm có đuôi nguy hiểm (.exe, .scr, .js, .docm, .html, .zip...) hoặc đuôi kép như .pdf.exe",
    ),
    "thuc_giuc_khan_cap": (
        "thúc giục khẩn cấp",
        "tiêu đề hoặc nội dung có từ thúc giục: khẩn, hỏa tốc, gấp, 24 giờ, ngay lập tức, ngay "
        "trong ngày, bị khóa, tạm khóa",
    ),
    "doi_mat_khau_otp": ("đòi mật khẩu, OTP, số thẻ", "nội dung đòi mật khẩu, mã OTP, mã xác thực, số thẻ hoặc mã PIN"),
    "yeu_cau_chuyen_tien": ("đòi chuyển tiền", "nội dung đòi chuyển khoản, chuyển tiền, nộp phí hoặc thanh toán phí"),
}
CATEGORIES = {
    "cong_vu": "thư công vụ: giấy mời, đề nghị báo cáo có hạn, trả lời, trao đổi",
    "co_dinh_kem": "văn bản hành chính gửi kèm tệp PDF",
    "cong_dan": "thư của công dân, doanh nghiệp, hợp tác xã",
    "he_thong": "thông báo tự động của hệ thống công vụ (một cửa, thư công vụ, quản lý văn bản)",
    "lua_dao_gia_mao_thuong_hieu": "lừa đảo mạo danh thương hiệu: giả cơ quan, ngân hàng, doanh nghiệp để lừa mở "
    "tệp độc hại hoặc chuyển tiền",
    "lua_dao_chiem_tai_khoan": "lừa đảo chiếm đoạt tài khoản: lấy mật khẩu, OTP, hoặc lợi dụng tài khoản thật đã "
    "bị chiếm để lừa người quen",
    "lua_dao_ket_hop": "kết hợp cả hai: mạo danh thương hiệu để lấy mật khẩu, OTP, số thẻ",
}


DATASETS = [
    Dataset(
        name="hop_thu",
        title_vi="Hộp thư công vụ mẫu: thư thật và thư lừa đảo (.eml) kèm nhãn thật/lừa đảo",
        title_en="A sample official mailbox: genuine and phishing messages (.eml) with labels",
        filename="hop_thu/nhan.csv",
        columns=[
            Column(
                "tep",
                "str",
                "Tệp thư",
                "Message file name, in the folder hop_thu/",
                note="`NNN-tieu-de-khong-dau.eml`, đánh số theo thời điểm gửi",
            ),
            Column(
                "ngay_gui",
                "datetime",
                "Thời điểm gửi",
                "Sending time (header Date), Vietnam time",
                note="năm 2022, giờ Việt Nam (+07:00), như trong trường Date",
            ),
            Column(
                "tu",
                "str",
                "Người gửi",
                "Sender's address (From) without the display name",
                note="tên hiển thị xem trong tệp .eml",
            ),
            Column("tieu_de", "str", "Tiêu đề", "Subject, decoded (Unicode NFC)"),
            Column("la_lua_dao", "bool", "Là thư lừa đảo", "True: phishing or scam"),
            Column(
                "nhom", "category", "Nhóm thư", "Category", note="; ".join(f"`{k}`: {v}" for k, v in CATEGORIES.items())
            ),
            Column(
                "de_nham",
                "bool",
                "Dễ nhầm",
                "True: a simple rule gets it wrong: a genuine mail that trips a rule, or a scam sent from a "
                "real (taken-over) course address",
                note="thư thật mà một quy tắc bắt nhầm (xem giai_thich), hoặc thư lừa đảo gửi từ địa chỉ công "
                "vụ thật đã bị chiếm",
            ),
            Column("giai_thich", "str", "Giải thích", "One-sentence explanation, for feedback to learners"),
        ],
        generate="kynangso.key.mailbox:messages",  # the generator knows the answers: key only
        key=("tep",),
        method=(
            "Hộp thư công vụ của một công chức Văn phòng - Thống kê cấp xã (chọn ngẫu nhiên theo hạt giống "
            "trong can_bo), gồm 40 thư gửi từ tháng 3 đến tháng 4 năm 2022: 22 thư thật (giấy mời, văn bản kèm "
            "PDF, đề nghị báo cáo có hạn, thư trả lời có đồng gửi, thư của công dân và hợp tác xã, thông báo tự "
            "động của hệ thống) và 18 thư lừa đảo theo ba nhóm của hướng dẫn quốc gia: mạo danh thương hiệu, "
            "chiếm đoạt tài khoản, kết hợp cả hai. Nội dung thư viết sẵn theo mẫu; người gửi, người nhận, thời "
            "điểm, số văn bản, số tiền lấy từ hạt giống và danh sách cán bộ. Mỗi dấu hiệu lừa đảo xuất hiện ở "
            "nhiều thư và phát hiện được bằng một quy tắc đơn giản trên thư đã phân tích bằng gói `email` "
            "(quy tắc ghi ở cuối mục này); đáp án dấu hiệu của từng thư (`dap-an/hop_thu_dau_hieu.csv`, chỉ máy chấm đọc) khớp đúng với các quy tắc đó. Ba thư thật cố ý "
            "làm một quy tắc ngây thơ bắt nhầm và ba thư lừa đảo gửi từ địa chỉ thật đã bị chiếm "
            "(`de_nham`). Tệp .eml mã hóa tiêu đề tiếng Việt theo RFC 2047 và tên tệp đính kèm theo RFC 2231; ngày, Message-ID, ranh giới "
            "MIME và tệp PDF (tự viết, không nén, không ghi ngày) đều cố định theo hạt giống nên sinh lại cho "
            "đúng từng byte."
        ),
        notes=[
            SYNTHETIC_NOTE,
            "An toàn: mọi địa chỉ, tên miền và liên kết dùng tên dành riêng (`.example`, `.test`, `.invalid` "
            "theo RFC 2606) hoặc địa chỉ IP 192.0.2.0/24; tệp đính kèm loại nguy hiểm (.exe, .docm, .html, .zip) "
            'chỉ chứa một đoạn chữ mô phỏng, không có mã. "Ngân hàng Ví Dụ", "Chuyển phát Ví Dụ", "Hợp tác xã '
            'Nông sản Ví Dụ" là tên bịa. Văn bản PDF là văn bản mẫu, số và ký hiệu giả định.',
            "Tên miền tin cậy (kể cả tên miền con): "
            + ", ".join(f"`{d}`" for d in TRUSTED_DOMAINS)
            + ". Thư công vụ của huyện và xã dùng `@vinhtuong.example`, của tỉnh dùng `@vinhphuc.example` "
            "(quy ước của khóa học).",
            "Quy tắc nhận diện, so sánh sau khi chuẩn hóa NFC và chữ thường, từ khóa tính theo cả từ; đuôi "
            "nguy hiểm: " + ", ".join(DANGEROUS_EXTENSIONS) + ".",
            *[f"`{k}` ({name}): {rule}." for k, (name, rule) in SIGNS.items()],
        ],
    ),
    Dataset(
        name="hop_thu_dau_hieu",
        title_vi="Đáp án: dấu hiệu lừa đảo của từng thư trong hộp thư mẫu (chỉ máy chấm đọc)",
        title_en="Answer key: the phishing signs of each message in the sample mailbox (read by the grader only)",
        filename="dap-an/hop_thu_dau_hieu.csv",
        columns=[
            Column("tep", "str", "Tệp thư", "Message file name, in the folder hop_thu/"),
            Column(
                "dau_hieu",
                "str",
                "Dấu hiệu lừa đảo",
                "Phishing signs present, codes joined by ';' (empty for genuine mail)",
                nullable=True,
                note="mã nối bằng `;`, trống với thư thật: "
                + "; ".join(f"`{k}` ({name})" for k, (name, _) in SIGNS.items())
                + "; quy tắc nhận diện từng mã: xem từ điển dữ liệu của hop_thu (hop_thu/nhan.md)",
            ),
        ],
        generate="kynangso.key.mailbox:signs",
        key=("tep",),
        refs={"tep": "hop_thu.tep"},
        method=(
            "Sinh cùng lúc với hộp thư mẫu (hop_thu): mỗi thư mang đúng những dấu hiệu ghi ở đây, và mỗi "
            "dấu hiệu phát hiện được bằng một quy tắc của khóa học. Đây là đáp án của câu 6 mô-đun thư điện "
            "tử: nằm trong `datasets/dap-an/`, không bao giờ hiện ra trong kernel của học viên khi chấm."
        ),
        notes=[SYNTHETIC_NOTE],
    ),
]
