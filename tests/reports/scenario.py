"""Hand-chosen dossiers for the periodic report tests (expected numbers worked out in the tests).

A  Hộ tịch, direct, received 10/09 09:00, due 15/09 17:00, apology, result 16/09 → late
B  Hộ tịch, online, received 05/10 08:00, due 08/10, result 06/10, returned 07/10 → early
C  Chứng thực, postal, received 14/10 16:00 (after the 15:00 cut-off), due 15/10 17:00, result 15/10 11:00 → on time
D  Hộ tịch, direct, received 12/10 09:00, due 15/10 17:00, still open
E  Hộ kinh doanh, direct, received 08/10 09:00, due 13/10 17:00, result 16/10 09:00 → late, no apology
F  Bảo trợ xã hội, direct, received 21/09 09:00, due 05/10 17:00, withdrawn 01/10 10:00 → early (withdrawn)
G  refused at reception 06/10 — never counts
H  Hộ tịch, direct, received 07/10 09:00, due 12/10; supplement asked 09/10, back 19/10 → due 22/10; result 22/10 10:00 → on time
I  Hộ kinh doanh, direct, received 09/10 09:00, due 14/10 17:00; supplement asked 16/10, back 20/10 → due 23/10; open
J  Chứng thực, online, received 02/11 09:00, due 02/11 17:00, result 02/11 16:00 → on time
K  Hộ tịch, direct, received 10/12/2025, due 15/12/2025 17:00, result 15/12/2025 10:00 → on time
M  Hộ tịch, direct, received 30/12/2025, result 12/01/2026 → late
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from desktop.db.models import Procedure
from desktop.db.session import Database
from desktop.platform import clock
from desktop.services import dossiers
from desktop.services.dossiers import Applicant, Reception

HO_TICH = "1.004873"  # 3 working days
CHUNG_THUC = "2.000815"  # same day, 15:00 cut-off
CHUNG_THUC_2 = "2.000884"
HKD = "1.001612"  # 3 working days
BTXH = "1.014027"  # 10 working days


def t(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=clock.VN_TZ)


def offer_online(s: Session) -> None:
    """The indicator tests' catalogue: Hộ tịch offered fully online, Chứng thực partly, nothing else."""
    s.execute(update(Procedure).values(online_level="none"))
    s.execute(update(Procedure).where(Procedure.code == HO_TICH).values(online_level="full"))
    s.execute(update(Procedure).where(Procedure.code == CHUNG_THUC).values(online_level="partial"))


def _receive(s, letter: str, procedure: str, at: datetime, channel: str = "direct") -> str:  # type: ignore[no-untyped-def]
    d = dossiers.receive(s, Reception(procedure_code=procedure, applicant=Applicant(name=f"Người nộp {letter}"),
                                      channel=channel, at=at))
    return d.code


def build(db: Database) -> dict[str, str]:
    """Create the dossiers; returns letter -> dossier code. Asserts the due moments it relies on."""
    codes: dict[str, str] = {}
    with db.transaction(officer="system") as s:
        codes["K"] = _receive(s, "K", HO_TICH, t(2025, 12, 10, 9))
        codes["M"] = _receive(s, "M", HO_TICH, t(2025, 12, 30, 9))
        codes["A"] = _receive(s, "A", HO_TICH, t(2026, 9, 10, 9))
        codes["F"] = _receive(s, "F", BTXH, t(2026, 9, 21, 9))
        codes["B"] = _receive(s, "B", HO_TICH, t(2026, 10, 5, 8), channel="online")
        codes["H"] = _receive(s, "H", HO_TICH, t(2026, 10, 7, 9))
        codes["E"] = _receive(s, "E", HKD, t(2026, 10, 8, 9))
        codes["I"] = _receive(s, "I", HKD, t(2026, 10, 9, 9))
        codes["D"] = _receive(s, "D", HO_TICH, t(2026, 10, 12, 9))
        codes["C"] = _receive(s, "C", CHUNG_THUC, t(2026, 10, 14, 16), channel="postal")
        codes["J"] = _receive(s, "J", CHUNG_THUC_2, t(2026, 11, 2, 9), channel="online")
        codes["G"] = dossiers.refuse(s, procedure_code=HO_TICH, applicant=Applicant(name="Người nộp G"),
                                     reason="Không thuộc thẩm quyền", at=t(2026, 10, 6, 9)).code

        due = {k: dossiers.get_dossier(s, c).due_at for k, c in codes.items() if k != "G"}
        assert due["K"] == t(2025, 12, 15, 17)
        assert due["M"] < t(2026, 1, 12, 0)
        assert due["A"] == t(2026, 9, 15, 17)
        assert due["F"] == t(2026, 10, 5, 17)
        assert due["B"] == t(2026, 10, 8, 17)
        assert due["H"] == t(2026, 10, 12, 17)
        assert due["E"] == t(2026, 10, 13, 17)
        assert due["I"] == t(2026, 10, 14, 17)
        assert due["D"] == t(2026, 10, 15, 17)
        assert due["C"] == t(2026, 10, 15, 17)
        assert due["J"] == t(2026, 11, 2, 17)

        dossiers.record_result(s, codes["K"], at=t(2025, 12, 15, 10))
        dossiers.record_result(s, codes["M"], at=t(2026, 1, 12, 10))
        dossiers.issue_apology(s, codes["A"], new_date=date(2026, 9, 17), reason="Chờ xác minh thông tin nơi sinh",
                               at=t(2026, 9, 15, 16))
        dossiers.record_result(s, codes["A"], at=t(2026, 9, 16, 10))
        dossiers.withdraw(s, codes["F"], at=t(2026, 10, 1, 10), reason="Công dân xin rút")
        dossiers.record_result(s, codes["B"], at=t(2026, 10, 6, 10))
        dossiers.return_result(s, codes["B"], at=t(2026, 10, 7, 9))
        dossiers.request_supplement(s, codes["H"], items="Bản sao giấy tờ tùy thân", at=t(2026, 10, 9, 10))
        dossiers.record_result(s, codes["C"], at=t(2026, 10, 15, 11))
        dossiers.request_supplement(s, codes["I"], items="Giấy tờ chứng minh địa điểm", at=t(2026, 10, 16, 9))
        dossiers.record_result(s, codes["E"], at=t(2026, 10, 16, 9))
        dossiers.receive_supplement(s, codes["H"], at=t(2026, 10, 19, 9))
        dossiers.receive_supplement(s, codes["I"], at=t(2026, 10, 20, 9))
        dossiers.record_result(s, codes["H"], at=t(2026, 10, 22, 10))
        dossiers.record_result(s, codes["J"], at=t(2026, 11, 2, 16))
        assert dossiers.get_dossier(s, codes["H"]).due_at == t(2026, 10, 22, 17)
        assert dossiers.get_dossier(s, codes["I"]).due_at == t(2026, 10, 23, 17)
    return codes
