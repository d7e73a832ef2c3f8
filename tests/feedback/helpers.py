"""Small builders shared by the feedback tests."""

from __future__ import annotations

from datetime import datetime

from desktop.platform import clock
from desktop.services import dossiers

HO_TICH = "1.001193"  # Đăng ký khai sinh, 3 components
CHUNG_THUC = "2.000815"  # Chứng thực bản sao, 2 components
ID_AN = "001234567890"


def at(text: str) -> datetime:
    return clock.to_vn(datetime.fromisoformat(text))


def receive(session, when: str, *, procedure: str = HO_TICH, id_number: str | None = ID_AN,
            digitised: tuple[int, ...] = (), name: str = "Nguyễn Văn An") -> str:
    dossier = dossiers.receive(session, dossiers.Reception(
        procedure_code=procedure, applicant=dossiers.Applicant(name=name, id_number=id_number), at=at(when),
        digitised_components=digitised))
    return dossier.code


def resolve(session, code: str, when: str) -> None:
    """Hand over to processing, then record the result (both at ``when``)."""
    dossiers.start(session, code, at=at(when))
    dossiers.record_result(session, code, at=at(when))
