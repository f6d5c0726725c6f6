"""The sample mailbox's world: its owner, the people who write to them and the calendar, all drawn
from the seed and the district's staff list (can_bo). Part of the answer key (kynangso.key).

Who the roles are (the district's officials by agency and post, the province's by mailbox code) is
in the templates' data file (hop_thu.yml, `people`); how an official signs and how a citizen's
address is made is here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from .. import workdays
from ..data.base import Context, Person, ascii_slug, person
from ..data.mailbox import PORTAL, PROVINCE_DOMAIN
from ..data.units import DISTRICT_CODE, MAIL_DOMAIN, email_address
from .eml import message_id

PERIOD = (date(2022, 3, 1), date(2022, 4, 29))


def previous_working_day(d: date) -> date:
    d -= timedelta(days=1)
    while not workdays.is_working_day(d):
        d -= timedelta(days=1)
    return d


def citizen_address(p: Person) -> str:
    """A citizen's own mailbox: 'Nguyễn Văn A', born 1984 -> nguyenvana84@thudan.example."""
    return f"{ascii_slug(p.ho_ten).replace(' ', '')}{p.nam_sinh % 100:02d}@thudan.example"


class World:
    """The people and the calendar of the mailbox. `names` are what the templates may use."""

    def __init__(self, ctx: Context, people: dict, signature: str):
        self.seed = ctx.seed
        self.rng = rng = ctx.rng("hop_thu")
        self.staff = staff = ctx.rows("can_bo")
        self._signature = signature
        desk = [s for s in staff if s["chuc_vu"] == people["owner"]]
        self.owner = o = rng.choice(desk)
        same_unit = [s for s in staff if s["ma_don_vi"] == o["ma_don_vi"]]
        self.peers = rng.sample([s for s in desk if s["ma_can_bo"] != o["ma_can_bo"]], 5)
        district = [s for s in staff if s["ma_don_vi"] == DISTRICT_CODE]
        roles = {
            role: next(s for s in district if s["co_quan"] == agency and s["chuc_vu"] == post)
            for role, (agency, post) in people["district"].items()
        }
        taken: set[str] = set()
        for role, (code, post, agency) in people["province"].items():
            p = person(rng, born=(1968, 1992))
            address = email_address(p.ho_ten, code, taken).replace("@" + MAIL_DOMAIN, "@" + PROVINCE_DOMAIN)
            roles[role] = {
                "ho_ten": p.ho_ten,
                "email": address,
                "chuc_vu": post,
                "co_quan": agency,
                "dien_thoai": p.dien_thoai,
            }
        citizens = [person(rng, born=(1975, 2000)) for _ in range(3)]
        strangers = [person(rng) for _ in range(4)]  # names on scammers' bank accounts
        self.x = "anh" if o["gioi_tinh"] == "nam" else "chị"
        self.names = {
            "owner": o,
            "unit": o["co_quan"],
            "place": o["co_quan"].removeprefix("UBND "),
            "x": self.x,
            "X": self.x.capitalize(),
            "given": o["ho_ten"].split()[-1],
            "chair": next(s for s in same_unit if s["chuc_vu"].startswith("Chủ tịch")),
            "vice": next(s for s in same_unit if s["chuc_vu"].startswith("Phó Chủ tịch")),
            "peers": self.peers,
            **roles,
            **{f"c{k}": p for k, p in enumerate(citizens, 1)},
            **{f"s{k}": p for k, p in enumerate(strangers, 1)},
            "PORTAL": PORTAL,
            "MAIL_DOMAIN": MAIL_DOMAIN,
        }
        self.shared: dict[str, dict] = {}  # message key -> the values it was filled with
        days = [PERIOD[0] + timedelta(days=k) for k in range((PERIOD[1] - PERIOD[0]).days + 1)]
        self._days = days
        self._workdays = [d for d in days if workdays.is_working_day(d)]

    # people as (display name, address) and signatures
    @staticmethod
    def addr(who) -> tuple[str, str]:
        if isinstance(who, Person):
            return (who.ho_ten, citizen_address(who))
        return (who["ho_ten"], who["email"])

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
        title = post + place[len(level) :] if org.startswith("UBND ") and post.endswith(level) else f"{post}, {org}"
        return self._signature.format(ho_ten=s["ho_ten"], title=title, dien_thoai=s["dien_thoai"])

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

    def earlier_message(self, key: str, when: datetime) -> tuple[datetime, str]:
        """The owner's own message that a reply answers (not in the mailbox: it is in 'Đã gửi')."""
        day = previous_working_day(when.date())
        sent = datetime.combine(day, time(9 + self.rng.randrange(7), self.rng.randrange(60)))
        return sent, message_id(self.seed, key + "-goc", sent, MAIL_DOMAIN)
