"""Province packages: built at the hub, down over HTTP or by file, applied all-or-nothing on the desk."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from desktop import settings
from desktop.db.models import CalendarOverride, Procedure
from desktop.services.calendar import year_view
from desktop.services.desk import desk_context
from desktop.db.session import Database
from desktop.errors import UserError
from desktop.reports.targets import load_targets
from desktop.services.catalog import STARTER_CATALOG
from desktop.services.desk import get_setting
from desktop.sync.package import apply_package, apply_package_file, validate_content
from desktop.sync.push import Backoff, Refused, push
from province.cli import main as province_main
from province.packages import build_content, build_package, rotate_keys
from tests.net.conftest import LiveHub
from tests.sync_support import connect_desk, receive

TARGETS = {"report_targets": {"on_time_rate": {"min": 0.9}, "online_share": {"min": 0.6}}}


def _inputs(folder: Path, *, revoked: list[str] | None = None, extra_day: str = "2026-12-31") -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "holidays.json").write_text(json.dumps([
        {"date": extra_day, "working": False, "reason": "Nghỉ bù Tết Dương lịch", "legal_basis": "TB 123/TB-UBND"},
        {"date": "2027-01-09", "working": True, "reason": "Làm bù"}], ensure_ascii=False), encoding="utf-8")
    (folder / "targets.json").write_text(json.dumps(TARGETS), encoding="utf-8")
    (folder / "units.json").write_text(json.dumps([
        {"code": "10375", "name": "UBND xã Tân Lập (mới)", "level": "xa", "office_hours": {"sat": "07:30-11:30"}},
        {"code": "10376", "name": "UBND xã Tân Phú", "level": "xa"}], ensure_ascii=False), encoding="utf-8")
    (folder / "surveys").mkdir(exist_ok=True)
    (folder / "surveys" / "hai-long.json").write_text(json.dumps(
        {"id": "hai-long", "title": "Mức độ hài lòng", "questions": [{"id": "q1", "text": "Thái độ cán bộ"}]},
        ensure_ascii=False), encoding="utf-8")
    (folder / "revoked.json").write_text(json.dumps(revoked or []), encoding="utf-8")
    (folder / "forms" / "tt03-2025").mkdir(parents=True, exist_ok=True)  # the province rewords one footnote
    (folder / "forms" / "tt03-2025" / "receipt.json").write_text(json.dumps(
        {"footnotes": ["Tra cứu hồ sơ tại Cổng dịch vụ công của tỉnh."]}, ensure_ascii=False), encoding="utf-8")
    return {name: folder / f"{name}.json" for name in ("holidays", "targets", "units", "revoked")} | {
        "surveys": folder / "surveys", "catalog": STARTER_CATALOG, "forms": folder / "forms"}


def _build(live: LiveHub, folder: Path, **kwargs) -> dict:  # type: ignore[no-untyped-def]
    files = _inputs(folder, revoked=kwargs.pop("revoked", None), extra_day=kwargs.pop("extra_day", "2026-12-31"))
    return build_package(live.hub, build_content(**files), out=folder / "goi.mcp", **kwargs)


def test_package_by_file_via_cli(db: Database, live_hub: LiveHub, tmp_path: Path, cli, capsys) -> None:  # type: ignore[no-untyped-def]
    connect_desk(db, live_hub.hub, tmp_path / "desk")
    files = _inputs(tmp_path / "in")
    out = tmp_path / "usb" / "goi.mcp"
    code = province_main(["--data-dir", str(live_hub.hub.data_dir), "--db-url", str(live_hub.hub.engine.url),
                          "package", "build", "--catalog", str(files["catalog"]), "--holidays", str(files["holidays"]),
                          "--targets", str(files["targets"]), "--units", str(files["units"]),
                          "--surveys", str(files["surveys"]), "--revoked", str(files["revoked"]),
                          "--forms", str(files["forms"]),
                          "--min-app-version", "0.1", "--out", str(out), "--json"])
    assert code == 0
    built = json.loads(capsys.readouterr().out)
    assert built["version"] == 1 and out.is_file()
    result = cli("sync", "package", str(out), "--json", db=db.path).json()
    assert result["version"] == 1 and result["calendar_days"] == 2 and result["surveys"] == 1
    with db.reading() as session:
        day = {d["date"]: d for d in year_view(session, 2026)["days"]}["2026-12-31"]  # the province layer
        assert (day["working"], day["basis"], day["source"]) == (False, "TB 123/TB-UBND", "province")
        assert session.scalar(select(CalendarOverride).where(CalendarOverride.day == date(2026, 12, 31))) is None
        assert get_setting(session, settings.PACKAGE_VERSION.key) == 1
        assert desk_context(session).rules.hours.receiving(5) == ((time(7, 30), time(11, 30)),)  # Saturday morning
        from desktop.forms.config import load_config

        assert load_config(regime="tt03-2025", session=session).spec("receipt").footnotes == (
            "Tra cứu hồ sơ tại Cổng dịch vụ công của tỉnh.",)
        assert get_setting(session, settings.PROVINCE_TARGETS.key) == TARGETS
        targets = load_targets(session)  # what the dashboard and the 766 self-check compare against
        assert targets["on_time_rate"]["min"] == 0.9 and targets["online_share"]["min"] == 0.6
        assert get_setting(session, settings.SURVEY_QUESTIONNAIRES.key)["hai-long"]["title"] == "Mức độ hài lòng"
        assert [u["code"] for u in get_setting(session, settings.PROVINCE_UNITS.key)] == ["10375", "10376"]
        assert session.scalar(select(Procedure.catalog_version).where(Procedure.code == "1.001193")) == "tinh-1"
    again = cli("sync", "package", str(out), db=db.path)
    assert again.code == 2 and "không mới hơn" in again.err  # same version twice: refused


def test_package_over_http_rollback_and_app_version(db: Database, live_hub: LiveHub, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    connect_desk(db, live_hub.hub, tmp_path / "desk")
    v1 = _build(live_hub, tmp_path / "v1")
    v2 = _build(live_hub, tmp_path / "v2", extra_day="2027-04-30")
    assert (v1["version"], v2["version"]) == (1, 2)
    got = cli("sync", "package", "--url", live_hub.url, "--json", db=db.path).json()
    assert got["version"] == 2 and got["status"] == "applied"
    assert cli("sync", "package", "--url", live_hub.url, "--json", db=db.path).json()["status"] == "up_to_date"
    old = cli("sync", "package", v1["file"], db=db.path)  # a rollback to an older package
    assert old.code == 2 and "không mới hơn" in old.err
    newer = _build(live_hub, tmp_path / "v3", min_app_version="99.0.0")
    refused = cli("sync", "package", newer["file"], db=db.path)
    assert refused.code == 2 and "vui lòng cập nhật phần mềm" in refused.err
    with db.reading() as session:
        assert get_setting(session, settings.PACKAGE_VERSION.key) == 2
    health = httpx.get(f"{live_hub.url}/api/v1/health").json()
    assert health["status"] == "ok" and health["package_version"] == 3


def test_package_is_all_or_nothing_and_signed(db: Database, live_hub: LiveHub, tmp_path: Path) -> None:
    connect_desk(db, live_hub.hub, tmp_path / "desk")
    built = _build(live_hub, tmp_path / "v1")
    data = Path(built["file"]).read_bytes()
    tampered = bytearray(data)
    tampered[len(tampered) // 2] ^= 0x01
    with pytest.raises(UserError) as caught, db.transaction() as session:
        apply_package(session, bytes(tampered))
    assert caught.value.code in ("bad_hash", "bad_package_signature", "truncated")
    # A bad day deep inside the package: nothing at all is applied (the catalogue neither).
    with db.transaction() as session:
        session.execute(Procedure.__table__.update().values(catalog_version="truoc"))
    monkey = tmp_path / "bad"
    files = _inputs(monkey)
    content = build_content(**files)
    content["units"][0]["office_hours"] = {"sat": "11:30-07:30"}
    with pytest.raises(UserError, match="giờ làm việc của đơn vị 10375"):
        validate_content(content)
    content["units"][0]["office_hours"] = {"sat": "07:30-11:30"}
    content["holidays"].append({"date": "2026-13-45"})
    from province import packages

    bundle = live_hub.hub.meta("public_bundle")
    header = {"format": "motcua-package", "format_version": 1, "version": 50, "min_app_version": "0.1.0"}
    bad = packages.seal_package(packages._files(content, bundle), header, packages.hub_keys.signing_key(live_hub.hub))
    with pytest.raises(UserError), db.transaction() as session:
        apply_package(session, bad)
    with db.reading() as session:
        assert set(session.scalars(select(Procedure.catalog_version))) == {"truoc"}
        assert get_setting(session, settings.PACKAGE_VERSION.key) is None


def test_key_rotation_travels_in_the_package(db: Database, live_hub: LiveHub, tmp_path: Path) -> None:
    from desktop.platform import clock
    from desktop.sync.keys import installed_bundle
    from province.packages import activate_due_keys

    connect_desk(db, live_hub.hub, tmp_path / "desk")
    old_kid = live_hub.hub.meta("signing_kid")
    rotate_keys(live_hub.hub, activates_at=clock.now().replace(year=2027, month=1, day=1))
    built = _build(live_hub, tmp_path / "v1")
    with db.transaction() as session:
        apply_package_file(session, Path(built["file"]))
    with db.reading() as session:
        bundle = installed_bundle(session)
    assert len(bundle["signing_keys"]) == 2 and len(bundle["encryption_keys"]) == 2
    assert bundle["signing_keys"][1]["activates_at"].startswith("2027-")
    assert activate_due_keys(live_hub.hub) == old_kid  # not yet due
    clock.set_now(clock.now().replace(year=2027, month=1, day=5))
    new_kid = activate_due_keys(live_hub.hub)
    assert new_kid != old_kid and new_kid == bundle["signing_keys"][1]["kid"]
    receive(db, 1, start=clock.now().replace(hour=8))
    result = push(db, live_hub.url, backoff=Backoff(attempts=2, base_delay=0.01))
    assert result.status == "applied"  # receipt signed with the new key, which the desk already knew


def test_revocation_list_stops_push_before_any_request(db: Database, live_hub: LiveHub, tmp_path: Path) -> None:
    connect_desk(db, live_hub.hub, tmp_path / "desk")
    with db.reading() as session:
        device = get_setting(session, settings.DEVICE_ID.key)
    built = _build(live_hub, tmp_path / "v1", revoked=[device])
    with db.transaction() as session:
        assert apply_package_file(session, Path(built["file"])).this_device_revoked
    receive(db, 1)
    live_hub.stop()  # not even contacted
    with pytest.raises(Refused) as caught:
        push(db, live_hub.url, backoff=Backoff(attempts=3, base_delay=0.01, sleep=lambda d: None))
    assert caught.value.code == "revoked_device"


def test_package_rides_back_beside_the_receipts(db: Database, live_hub: LiveHub, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    from tests.sync_support import export

    connect_desk(db, live_hub.hub, tmp_path / "desk")
    _build(live_hub, tmp_path / "v1")
    receive(db, 1)
    made = export(db, tmp_path / "stick")
    code = province_main(["--data-dir", str(live_hub.hub.data_dir), "--db-url", str(live_hub.hub.engine.url),
                          "import", str(made.file), "--receipts-out", str(tmp_path / "stick" / "back")])
    assert code == 0
    package = tmp_path / "stick" / "back" / "goi-du-lieu-tinh-000001.mcp"
    assert package.is_file()
    assert cli("sync", "package", str(package), "--json", db=db.path).json()["version"] == 1


def test_bad_targets_are_refused_when_the_package_is_built(tmp_path: Path) -> None:
    files = _inputs(tmp_path / "in")
    files["targets"].write_text(json.dumps({"on_time_rate": 0.95}), encoding="utf-8")  # not the targets-file shape
    with pytest.raises(UserError, match="report_targets"):
        build_content(**files)
    files["targets"].write_text(json.dumps({"report_targets": {"on_time_rate": {"min": 1.5}}}), encoding="utf-8")
    with pytest.raises(UserError, match="on_time_rate.min"):
        build_content(**files)


def test_package_carries_the_provinces_indicator_catalogue(db: Database, live_hub: LiveHub, tmp_path: Path,
                                                           cli) -> None:  # type: ignore[no-untyped-def]
    """Issue #19: a province ships its own catalogue (a stricter target here); the desk evaluates it."""
    from desktop.reports.indicator_catalogue import bundled

    connect_desk(db, live_hub.hub, tmp_path / "desk")
    files = _inputs(tmp_path / "in")
    catalogue = json.loads(json.dumps(bundled()))
    for entry in catalogue["indicators"]:
        if entry["id"] == "online_payment":
            entry["target"] = {"by_year": {"2026": 45}}
    files["indicators"] = tmp_path / "in" / "indicators.json"
    files["indicators"].write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")
    build_package(live_hub.hub, build_content(**files), out=tmp_path / "goi.mcp")
    assert cli("sync", "package", str(tmp_path / "goi.mcp"), "--json", db=db.path).code == 0
    entries = {e["id"]: e for e in cli("report", "indicators", "--period", "2026-10", "--json",
                                       db=db.path).json()["indicators"]}
    assert entries["online_payment"]["target"] == 45.0
    bad = dict(catalogue, indicators=[{"id": "x"}])
    files["indicators"].write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(UserError, match="Bộ chỉ số không hợp lệ"):
        build_content(**files)


def test_a_compressed_or_oversized_answer_is_refused_before_it_fills_the_memory(  # type: ignore[no-untyped-def]
        db: Database, live_hub: LiveHub, tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review 13: whoever answers at the hub's address (on plain HTTP, anyone on the way) sent 600 KB of gzip
    and httpx inflated it to 600 MB in the desk before the package's size or signature was looked at."""
    from desktop.sync import package
    from tests.net.conftest import gzip_bomb, impostor

    connect_desk(db, live_hub.hub, tmp_path / "desk")
    with impostor([(200, gzip_bomb(), True), (200, b"x" * 5000, False)]) as url:
        squeezed = cli("sync", "package", "--url", url, db=db.path)
        assert squeezed.code == 2 and "bị nén" in squeezed.err, squeezed.err
        monkeypatch.setattr(package, "MAX_PACKAGE_BYTES", 4096)
        large = cli("sync", "package", "--url", url, db=db.path)
        assert large.code == 2 and "vượt quá kích thước" in large.err, large.err
    with db.reading() as session:
        assert not get_setting(session, settings.PACKAGE_VERSION.key)
