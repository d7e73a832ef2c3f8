"""Issue 14: the province report over all units answers from the maintained aggregates, and they equal the
raw computation number for number after every kind of push — first pushes, updates that resolve pending
dossiers, supplements that stop the clock across a window's end, duplicates, ownership and version-guard
refusals — for several periods, official and calendar; ``aggregates check`` proves it and catches a
corrupted row; an older hub builds them when it opens. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update

from desktop.db.session import Database
from desktop.platform import clock
from desktop.reports.periodic import periodic_report
from desktop.reports.periods import parse_period
from desktop.services import dossiers
from desktop.sync import canonical, export as desk_export
from province import report_counts
from province.cli import main as province_main
from province.db import Hub, open_hub
from province.importer import import_file
from province.models import HubMeta, HubReportCount, HubReportWatch
from province.schema import DATA_TABLES
from tests.hub.test_ownership import _forged_batch
from tests.sync_support import connect_desk, deliver, export, neighbour_desk, receive

PERIODS = ("2026-09", "2026-10", "2026-11", "2026-Q3", "2026-Q4", "2026-H2", "2026")


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=clock.VN_TZ)


@pytest.fixture
def desk_b(tmp_path: Path) -> Iterator[Database]:
    other = neighbour_desk(tmp_path / "b.sqlite3")
    yield other
    other.dispose()


def _same_as_raw(hub: Hub, seen: dict[str, int] | None = None) -> int:
    """Every period, official and calendar: the all-units report = the raw pass; and ``check`` passes.
    Returns how many dossiers the year's report counted (so a test knows it compared something); ``seen``
    collects the largest late, overdue and withdrawn counts met."""
    received = 0
    seen = {} if seen is None else seen
    for label in PERIODS:
        for calendar in (False, True):
            fast = _all_units(hub, label, calendar)
            with hub.reading() as session:
                chosen = parse_period(label, calendar=calendar)
                raw = periodic_report(session, chosen, unit_codes=None, unit=(fast["unit"]["code"], fast["unit"]["name"]))
            fast.pop("generated_at")
            raw.pop("generated_at")
            assert fast == raw, (label, calendar)
            received = max(received, raw["total"]["received"]["total"])
            for key, value in (("late", raw["total"]["resolved"]["late"]),
                               ("overdue", raw["total"]["in_progress"]["overdue"]),
                               ("withdrawn", raw["total"]["resolved"]["withdrawn"]),
                               ("carried_over", raw["total"]["received"]["carried_over"])):
                seen[key] = max(seen.get(key, 0), value)
    with hub.reading() as session:
        assert report_counts.check(session) == []
    return received


def _all_units(hub: Hub, label: str, calendar: bool) -> dict[str, Any]:
    from province.reports import periodic

    return periodic(hub, unit="all", period=label, calendar=calendar)


def _work_a(db: Database) -> list[str]:
    """Commune A: dossiers across September–November, some resolved early, late or withdrawn, supplements
    requested before and after a window's end (the clock stopped at the end, or the due date in force)."""
    codes = receive(db, 4, name="Lê Văn Chín", start=at(9, 3)) + receive(db, 4, name="Phạm Thị Mười", start=at(9, 14, 16))
    codes += receive(db, 3, name="Ngô Văn Mười Một", start=at(10, 14, 15)) + receive(db, 3, start=at(10, 20))
    with db.transaction(officer="canbo") as session:
        for code in codes:
            dossiers.start(session, code, at=dossiers.get_dossier(session, code).received_at)
        dossiers.record_result(session, codes[0], at=at(9, 3, 15))            # same day: early or on time
        dossiers.record_result(session, codes[1], at=at(10, 2))               # late, across the month end
        dossiers.withdraw(session, codes[2], at=at(9, 20), reason="Công dân xin rút")
        dossiers.request_supplement(session, codes[4], items="Bản sao CCCD", at=at(9, 28))  # awaiting at 10-01
        dossiers.receive_supplement(session, codes[4], at=at(10, 3))
        dossiers.request_supplement(session, codes[5], items="Giấy ủy quyền", at=at(10, 5))  # overdue at 10-01
        dossiers.request_supplement(session, codes[8], items="Sổ hộ khẩu", at=at(10, 16))    # across the 15th
        dossiers.record_result(session, codes[12], at=at(10, 21))
    return codes


def test_all_units_report_from_aggregates_equals_raw(db: Database, desk_b: Database, hub: Hub, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    connect_desk(db, hub, tmp_path / "a")
    connect_desk(desk_b, hub, tmp_path / "b")
    assert _same_as_raw(hub) == 0
    codes = _work_a(db)
    receive(desk_b, 3, name="Tạ Thị Nga", start=at(10, 15, 8))
    first = export(db, tmp_path / "u1")
    deliver(hub, db, first, tmp_path / "u1")
    deliver(hub, desk_b, export(desk_b, tmp_path / "b1"), tmp_path / "b1")
    seen: dict[str, int] = {}
    assert _same_as_raw(hub, seen) == 17
    assert all(seen[k] > 0 for k in ("late", "overdue", "withdrawn", "carried_over")), seen

    with db.transaction(officer="canbo") as session:  # pending → resolved, and a late withdrawal
        dossiers.record_result(session, codes[3], at=at(11, 3))
        dossiers.receive_supplement(session, codes[5], at=at(11, 2))
        dossiers.record_result(session, codes[9], at=at(11, 10))
        dossiers.withdraw(session, codes[10], at=at(11, 16), reason="Không bổ sung được")
    deliver(hub, db, export(db, tmp_path / "u2"), tmp_path / "u2")
    before = _counts(hub)
    again = import_file(hub, first.file, receipts_out=tmp_path / "dup")  # a duplicate changes nothing
    assert again.status == "duplicate" and _counts(hub) == before
    _same_as_raw(hub)

    with hub.reading() as session:  # B's forged batch: A's dossier with a higher version → not_owner
        victim = dict(session.execute(select(DATA_TABLES["dossier"]).where(
            DATA_TABLES["dossier"].c.owner_unit == "10375", DATA_TABLES["dossier"].c.result_at.is_(None))
        ).mappings().first())
    receive(desk_b, 1, name="Tạ Văn Mới", start=at(11, 19))  # B's real work travels with the forgery
    forged = _forged_batch(monkeypatch, desk_b, tmp_path / "forged", victim, "10376")
    refused = import_file(hub, forged["file"], receipts_out=tmp_path / "forged-r")
    assert refused.status == "applied" and refused.rejected == 2
    _same_as_raw(hub)

    stale = _stale_copy(monkeypatch, db, tmp_path / "stale", victim)  # A's own older version: the guard keeps ours
    outcome = import_file(hub, stale, receipts_out=tmp_path / "stale-r")
    assert outcome.status == "applied" and outcome.applied < outcome.skipped + outcome.applied
    with hub.reading() as session:
        kept = session.execute(select(DATA_TABLES["dossier"].c.version).where(
            DATA_TABLES["dossier"].c.id == victim["id"])).scalar_one()
    assert kept == victim["version"]
    _same_as_raw(hub)


def _stale_copy(monkeypatch: pytest.MonkeyPatch, db: Database, out: Path, victim: dict[str, Any]) -> Path:
    """A's next batch also carrying an OLDER version of one of its dossiers, shown as resolved."""
    real = desk_export._snapshots

    def with_stale(session: Any, latest: Any) -> list[dict[str, Any]]:
        changes = real(session, latest)
        seq = max((c["seq"] for c in changes), default=0)
        epoch = changes[0]["epoch"]
        row = canonical.loads(canonical.dumps(victim))
        row.update(version=1, result_at="2026-10-01T09:00:00+07:00", status="resolved")
        changes.append({"change_id": f"{epoch}:{seq}", "seq": seq, "epoch": epoch, "table": "dossier",
                        "record_id": row["id"], "op": "upsert", "version": 1, "row": row, "officer": "canbo",
                        "device_time": "2026-11-20T09:00:00+07:00"})
        return changes

    receive(db, 1, name="Vũ Thị Mới", start=at(11, 18))  # A's real work travels with the stale copy
    monkeypatch.setattr(desk_export, "_snapshots", with_stale)
    result = export(db, out)
    monkeypatch.setattr(desk_export, "_snapshots", real)
    assert result.file is not None
    return result.file


def _counts(hub: Hub) -> list[tuple[Any, ...]]:
    with hub.engine.connect() as conn:
        return sorted(tuple(str(v) for v in r[1:]) for r in conn.execute(select(HubReportCount.__table__)))


def test_check_names_the_corrupted_unit_and_month(db: Database, hub: Hub, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    connect_desk(db, hub, tmp_path / "a")
    _work_a(db)
    deliver(hub, db, export(db, tmp_path / "u1"), tmp_path / "u1")
    url = hub.engine.url.render_as_string(hide_password=False)
    base = ["--db-url", url, "--data-dir", str(hub.data_dir), "aggregates"]
    capsys.readouterr()
    assert province_main([*base, "check"]) == 0
    assert "khớp" in capsys.readouterr().out
    october = report_counts.bucket(at(10, 20))
    with hub.transaction() as session:  # one row counts a dossier too many (not a late one: the list would differ)
        row_id = session.scalar(select(HubReportCount.id).where(HubReportCount.r_bucket == october,
                                                                HubReportCount.outcome != "late").limit(1))
        session.execute(update(HubReportCount).where(HubReportCount.id == row_id).values(n=HubReportCount.n + 1))
    assert province_main([*base, "check"]) == 1
    err = capsys.readouterr().err
    assert "đơn vị 10375" in err and "nửa cuối tháng 10/2026" in err and "dữ liệu gốc là 3" in err, err
    assert "2.000815" not in err
    assert _all_units(hub, "2026-10", True)["total"]["received"]["total"] != _raw_total(hub, "2026-10")
    assert province_main([*base, "check", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and out["differences"][0]["half_month"] == "2026-10-15"
    with hub.transaction() as session:  # the same dossier counted under another field: same total, other split
        session.execute(update(HubReportCount).where(HubReportCount.id == row_id).values(
            n=HubReportCount.n - 1, field_name="Lĩnh vực khác"))
    assert province_main([*base, "check"]) == 1
    assert "cùng tổng 3 nhưng khác chi tiết" in capsys.readouterr().err
    assert province_main([*base, "rebuild"]) == 0
    assert province_main([*base, "check"]) == 0
    assert _all_units(hub, "2026-10", True)["total"]["received"]["total"] == _raw_total(hub, "2026-10")


def _raw_total(hub: Hub, label: str) -> int:
    with hub.reading() as session:
        raw = periodic_report(session, parse_period(label, calendar=True), unit_codes=None, unit=("all", "x"))
    return int(raw["total"]["received"]["total"])


def test_an_older_hub_builds_its_aggregates_on_open(db: Database, hub: Hub, tmp_path: Path) -> None:
    connect_desk(db, hub, tmp_path / "a")
    _work_a(db)
    deliver(hub, db, export(db, tmp_path / "u1"), tmp_path / "u1")
    with hub.transaction() as session:  # as a hub made before issue 14's aggregates
        session.execute(delete(HubReportCount))
        session.execute(delete(HubReportWatch))
        session.execute(delete(HubMeta).where(HubMeta.key == "report_counts"))
    with hub.reading() as session:
        assert report_counts.check(session) != []
    again = open_hub(hub.engine.url.render_as_string(hide_password=False), data_dir=hub.data_dir)
    try:
        with again.reading() as session:
            assert report_counts.check(session) == []
            assert session.scalar(select(HubMeta.value).where(HubMeta.key == "report_counts")) == report_counts.VERSION
            assert session.scalar(text("SELECT count(*) FROM hub_report_watch WHERE kind = 'overdue'")) > 0
    finally:
        again.dispose()
    assert _same_as_raw(hub) == 14
