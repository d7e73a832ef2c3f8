"""A unit's periodic report at the hub equals the desk's own report once its batches are in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.db.session import Database
from desktop.reports.periodic import periodic_report
from desktop.reports.periods import parse_period
from desktop.services import dossiers
from province.cli import main as province_main
from province.db import Hub
from province.reports import periodic
from tests.sync_support import connect_desk, deliver, export, neighbour_desk, receive


def _work(db: Database) -> None:
    codes = receive(db, 5, name="Trịnh Văn Báo")
    with db.transaction(officer="canbo") as session:
        for code in codes[:3]:
            dossiers.start(session, code)
        dossiers.record_result(session, codes[0])
        dossiers.request_supplement(session, codes[1], items="Bản sao CCCD")
        dossiers.withdraw(session, codes[4], reason="Công dân xin rút")


def test_hub_report_equals_desk_report(db: Database, hub: Hub, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    connect_desk(db, hub, tmp_path / "desk")
    _work(db)
    deliver(hub, db, export(db, tmp_path / "usb"), tmp_path / "usb")
    with db.reading() as session:
        desk_report = periodic_report(session, parse_period("2026-12"))
    assert desk_report["total"]["received"]["total"] == 5
    hub_report = periodic(hub, unit="10375", period="2026-12")
    assert hub_report == desk_report
    everything = periodic(hub, unit="all", period="2026-12")
    assert everything["total"] == desk_report["total"] and everything["unit"]["code"] == "all"

    url = hub.engine.url.render_as_string(hide_password=False)
    capsys.readouterr()
    code = province_main(["--db-url", url, "--data-dir", str(hub.data_dir), "report", "periodic", "--unit", "10375",
                          "--period", "2026-12", "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out) == json.loads(json.dumps(desk_report, default=str))
    assert province_main(["--db-url", url, "--data-dir", str(hub.data_dir), "report", "periodic", "--unit",
                          "99999", "--period", "2026-12", "--json"]) == 2


def test_all_units_sums_two_communes(db: Database, hub: Hub, tmp_path: Path) -> None:
    other = neighbour_desk(tmp_path / "other.sqlite3")  # a neighbouring commune, its own PC and database
    try:
        connect_desk(db, hub, tmp_path / "a")
        connect_desk(other, hub, tmp_path / "b")
        _work(db)
        receive(other, 2, name="Tạ Thị Nga")
        deliver(hub, db, export(db, tmp_path / "ua"), tmp_path / "ua")
        outcome = deliver(hub, other, export(other, tmp_path / "ub"), tmp_path / "ub")
        assert outcome.conflicts == 0 and outcome.rejected == 0, outcome.as_json()
        with other.reading() as session:
            other_report = periodic_report(session, parse_period("2026-12"))
        assert periodic(hub, unit="10376", period="2026-12") == other_report
        everything = periodic(hub, unit="all", period="2026-12")
        assert everything["total"]["received"]["total"] == 5 + 2
    finally:
        other.dispose()


def test_hub_indicators_equal_the_desk_catalogue(db: Database, hub: Hub, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Issue #19: the hub evaluates the same catalogue over a unit's synced dossiers (duty days included)."""
    from datetime import date

    from desktop.reports.indicator_entries import catalogue_entries
    from desktop.services import duty
    from province.reports import indicators

    connect_desk(db, hub, tmp_path / "desk")
    _work(db)
    with db.transaction(officer="canbo") as session:
        duty.record_login(session, "canbo", date(2026, 12, 1))
    deliver(hub, db, export(db, tmp_path / "usb"), tmp_path / "usb")
    with db.reading() as session:
        desk = {e["id"]: (e["numerator"], e["denominator"], e["value"])
                for e in catalogue_entries(session, parse_period("2026-12"))}
    at_hub = indicators(hub, unit="10375", period="2026-12")
    assert {e["id"]: (e["numerator"], e["denominator"], e["value"]) for e in at_hub["indicators"]} == desk
    assert desk["productivity_desk"][:2] == (5, 1)  # 5 received, one staff-day on duty
    everything = indicators(hub, unit="all", period="2026-12")
    assert {e["id"]: e["value"] for e in everything["indicators"]} == {k: v[2] for k, v in desk.items()}
    url = hub.engine.url.render_as_string(hide_password=False)
    capsys.readouterr()
    assert province_main(["--db-url", url, "--data-dir", str(hub.data_dir), "report", "indicators", "--unit",
                          "10375", "--period", "2026-12", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["unit"]["code"] == "10375" and len(printed["indicators"]) == len(desk)


def test_an_older_hub_database_gains_new_desk_columns(hub: Hub) -> None:
    """A hub created before ``dossier.payment_method`` existed gets the column when it starts (issue #19)."""
    from sqlalchemy import inspect, text

    from province.db import add_missing_columns, create_schema

    with hub.engine.begin() as conn:
        conn.execute(text("ALTER TABLE dossier DROP COLUMN payment_method"))
    assert "payment_method" not in {c["name"] for c in inspect(hub.engine).get_columns("dossier")}
    create_schema(hub.engine)
    assert "payment_method" in {c["name"] for c in inspect(hub.engine).get_columns("dossier")}
    assert add_missing_columns(hub.engine) == []  # nothing left to add
