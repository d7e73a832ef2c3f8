"""Two-tier reception at one desk (issue #15): a resolving body on the dossier, transfer, result back,
return; the other side's actions refused; the periodic report's on_behalf section."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import settings
from desktop.db.session import open_database
from desktop.services.desk import put_setting

NEIGHBOUR = {"code": "10378", "name": "UBND phường Hòa Bình"}
AGENCY = "000.00.04.H49"  # Sở Tư pháp in resources/agencies/province.json


@pytest.fixture
def province_units(db_path: Path) -> None:
    """The province package's unit list, as it lands on a desk."""
    database = open_database(db_path)
    with database.transaction(officer="setup") as session:
        put_setting(session, settings.PROVINCE_UNITS.key, [NEIGHBOUR, {"code": "10375", "name": "UBND xã Tân Lập"}])
    database.dispose()


def _receive(cli, *extra: str, at: str = "2026-11-16T10:00") -> dict:  # type: ignore[no-untyped-def]
    r = cli("dossier", "receive", "--procedure", "1.004873", "--applicant", "Lê Văn Cường", "--at", at,
            "--json", *extra)
    assert r.code == 0, r.err
    return r.json()


def test_own_dossier_is_resolved_here(cli) -> None:  # type: ignore[no-untyped-def]
    data = _receive(cli)
    assert data["receiving_unit"] == "10375"
    assert data["resolving_body"] == {"code": "10375", "name": "UBND xã Tân Lập", "kind": "unit",
                                      "is_this_unit": True}
    r = cli("dossier", "transfer", data["code"])
    assert r.code != 0 and "chính đơn vị này giải quyết" in r.err


def test_another_commune_by_code(cli, province_units) -> None:  # type: ignore[no-untyped-def]
    data = _receive(cli, "--resolver", "10378")
    assert data["resolving_body"] == {"code": "10378", "name": "UBND phường Hòa Bình", "kind": "unit",
                                      "is_this_unit": False}
    assert data["due_at"] == "2026-11-19T17:00:00+07:00"  # 3 working days + 0 transfer days (the default)
    code = data["code"]
    for action in ("start", "result"):
        r = cli("dossier", action, code)
        assert r.code != 0 and "UBND phường Hòa Bình giải quyết" in r.err
    show = cli("dossier", "show", code, "--json").json()
    assert "start" not in show["allowed_actions"] and "transfer" in show["allowed_actions"]
    assert cli("dossier", "transfer", code, "--via", "hub", "--at", "2026-11-16T14:00").code == 0
    back = cli("dossier", "result-received", code, "--at", "2026-11-18T09:00", "--json").json()
    assert back["status"] == "resolved" and back["result_back_at"] == "2026-11-18T09:00:00+07:00"
    assert cli("dossier", "return", code, "--at", "2026-11-18T10:00").code == 0
    kinds = [e["kind"] for e in cli("dossier", "show", code, "--json").json()["events"]]
    assert kinds == ["received", "transferred", "result_received", "returned"]


def test_unknown_resolver_refused_and_nothing_written(cli) -> None:  # type: ignore[no-untyped-def]
    before = cli("dossier", "list", "--json").json()
    for bad in ("99999", "1234", "000.00.99.H49", "x" * 40):
        r = cli("dossier", "receive", "--procedure", "1.004873", "--applicant", "A", "--resolver", bad)
        assert r.code != 0 and "cơ quan" in r.err.lower() or "đơn vị" in r.err
    assert cli("dossier", "list", "--json").json() == before


def test_bad_transfer_channel_refused(cli) -> None:  # type: ignore[no-untyped-def]
    code = _receive(cli, "--resolver", AGENCY)["code"]
    r = cli("dossier", "transfer", code, "--via", "fax")
    assert r.code != 0 and "Cách chuyển hồ sơ" in r.err
    assert cli("dossier", "show", code, "--json").json()["status"] == "received"


def test_rejected_result_back_needs_reason(cli) -> None:  # type: ignore[no-untyped-def]
    code = _receive(cli, "--resolver", AGENCY)["code"]
    assert cli("dossier", "transfer", code, "--via", "post").code == 0
    r = cli("dossier", "result-received", code, "--rejected")
    assert r.code != 0 and "lý do" in r.err
    r = cli("dossier", "result-received", code, "--rejected", "--reason", "Thiếu bản đồ địa chính", "--json")
    assert r.json()["result"] == "rejected"


def test_transfer_days_added_to_appointment(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.services import resolvers

    data = dict(resolvers.reference())
    monkeypatch.setattr(resolvers, "reference", lambda: data | {"transfer_days": {"unit": 0, "agency": 2}})
    due = _receive(cli, "--resolver", AGENCY)["due_at"]
    assert due == "2026-11-23T17:00:00+07:00"  # Thu 19/11 + 2 working days (Fri 20, Mon 23)


def test_transfer_slip_prints(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = _receive(cli, "--resolver", AGENCY)["code"]
    out = tmp_path / "chuyen.pdf"
    r = cli("print", "transfer", code, "--out", str(out))
    assert r.code != 0 and "chưa được chuyển" in r.err and not out.exists()
    assert cli("dossier", "transfer", code, "--via", "post", "--at", "2026-11-16T15:00").code == 0
    r = cli("print", "transfer", code, "--out", str(out))
    assert r.code == 0, r.err
    from pypdf import PdfReader

    text = PdfReader(str(out)).pages[0].extract_text()
    assert "PHIẾU CHUYỂN HỒ SƠ" in text and "Sở Tư pháp" in text and "Qua bưu chính" in text and code in text


def _periodic(cli) -> dict:  # type: ignore[no-untyped-def]
    r = cli("report", "periodic", "--period", "2026-11", "--calendar", "--json")
    assert r.code == 0, r.err
    return r.json()


def test_provincial_dossier_counted_on_behalf_only(cli) -> None:  # type: ignore[no-untyped-def]
    """Received for Sở Tư pháp, transferred by post, result back, returned: not in Biểu 06 here."""
    before = _periodic(cli)
    own = _receive(cli, at="2026-11-16T09:00")["code"]
    code = _receive(cli, "--resolver", AGENCY)["code"]
    assert cli("dossier", "transfer", code, "--via", "post", "--at", "2026-11-16T15:00").code == 0
    assert cli("dossier", "result-received", code, "--at", "2026-11-19T09:00").code == 0
    assert cli("dossier", "return", code, "--at", "2026-11-19T10:00").code == 0
    late = _receive(cli, "--resolver", AGENCY, at="2026-11-10T10:00")["code"]  # due 13/11 17:00
    assert cli("dossier", "transfer", late, "--via", "hand", "--at", "2026-11-10T15:00").code == 0
    assert cli("dossier", "result-received", late, "--at", "2026-11-16T08:00").code == 0
    assert cli("dossier", "return", late, "--at", "2026-11-16T09:00").code == 0
    after = _periodic(cli)
    assert after["total"]["received"]["total"] == before["total"]["received"]["total"] + 1  # only `own`
    assert after["total"]["resolved"] == before["total"]["resolved"]
    assert after["on_behalf"] == {"received": 2, "transferred": 2, "results_back": 2, "returned": 2,
                                  "returned_on_time": 1, "returned_late": 1}
    assert own
    text = cli("report", "periodic", "--period", "2026-11", "--calendar").out
    assert "Hồ sơ tiếp nhận hộ cơ quan khác giải quyết: tiếp nhận 2, đã chuyển 2" in text


def test_indicators_count_only_what_this_unit_resolves(cli) -> None:  # type: ignore[no-untyped-def]
    def productivity() -> int:
        r = cli("report", "indicators", "--period", "2026-11", "--calendar", "--json")
        assert r.code == 0, r.err
        return int(r.json()["sections"]["productivity"]["results"])

    before = productivity()
    code = _receive(cli, "--resolver", AGENCY)["code"]
    assert cli("dossier", "transfer", code, "--via", "post", "--at", "2026-11-16T15:00").code == 0
    assert cli("dossier", "result-received", code, "--at", "2026-11-18T09:00").code == 0
    own = _receive(cli)["code"]
    assert cli("dossier", "result", own, "--at", "2026-11-17T09:00").code == 0
    assert productivity() == before + 1
