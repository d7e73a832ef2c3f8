"""The same report on PostgreSQL (the province hub's database), with the same hand-chosen dossiers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from desktop.reports.periodic import periodic_report
from desktop.reports.periods import parse_period
from tests.conftest import UNIT
from tests.reports import scenario
from tests.reports.test_periodic import EXPECTED
from tests.sync_support import pg_url_or_skip

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_db() -> Iterator[object]:
    url = pg_url_or_skip()
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from desktop.db.session import open_database
    from desktop.services import catalog, desk

    name = f"motcua_reports_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    target = make_url(url).set(database=name)
    db = open_database(target.render_as_string(hide_password=False))
    try:
        with db.transaction(officer="setup") as s:
            desk.initialise_desk(s, **UNIT)
            catalog.import_starter(s)
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_every_number_on_postgres(pg_db) -> None:  # type: ignore[no-untyped-def]
    codes = scenario.build(pg_db)  # type: ignore[arg-type]
    by_code = {code: letter for letter, code in codes.items()}
    for (label, calendar), (start, end, rows, total, late) in EXPECTED.items():
        with pg_db.reading() as s:  # type: ignore[attr-defined]
            report = periodic_report(s, parse_period(label, calendar=calendar), unit_codes=["10375"])
        assert (report["period"]["start"], report["period"]["end"]) == (start, end)
        assert report["rows"] == rows, (label, calendar)
        assert report["total"] == total, (label, calendar)
        got = [(by_code[d["code"]], d["status"], d["apology_issued"]) for d in report["late_dossiers"]]
        assert sorted(got) == sorted(late), (label, calendar)


def test_average_processing_days_on_postgres_equals_the_python_sum(pg_db) -> None:  # type: ignore[no-untyped-def]
    from tests.reports.processing_days import assert_same_averages

    scenario.build(pg_db)  # type: ignore[arg-type]
    assert_same_averages(pg_db, ["10375"])
