"""page-sync's history for scripts/screenshots.py: a throw-away province hub and real exports and receipts."""

from __future__ import annotations

import os
from pathlib import Path

from desktop.db.session import Database


def sync_history(db: Database, folder: Path) -> None:
    """Real sync history for page-sync: a province hub in ``folder``, the desk enrolled, a first export
    (the «lost stick», never confirmed), a second one the hub imported and whose receipt came back,
    then three new receptions waiting for the next trip. Everything goes through the real functions."""
    from datetime import timedelta

    from desktop.platform import clock
    from desktop.services import dossiers
    from desktop.services.catalog import list_procedures
    from desktop.sync import keys
    from desktop.sync.export import export_batch
    from desktop.sync.hub_settings import save_hub_url
    from desktop.sync.identity import ensure_epoch
    from desktop.sync.receipt import import_receipt
    from province.db import open_hub
    from province.devices import enrol
    from province.importer import import_file
    from province.keys import PASSPHRASE_ENV, init_keys

    os.environ.setdefault(PASSPHRASE_ENV, "chi-de-chup-man-hinh")  # the throw-away hub's keys, deleted after
    hub = open_hub(f"sqlite:///{folder / 'hub.sqlite3'}", data_dir=folder / "hub")
    try:
        init_keys(hub, name="UBND tỉnh Phú Thọ", keys_out=folder / "public")
        ensure_epoch(db)
        with db.transaction(officer="system") as session:
            keys.install_bundle(session, folder / "public" / "province.pub")
            keys.write_enrolment(session, folder / "USB-TANLAP" / "dang-ky-may.json")
            save_hub_url(session, "http://10.0.0.5:8765")
        enrol(hub, folder / "USB-TANLAP" / "dang-ky-may.json")
        export_batch(db, folder / "USB-TANLAP" / "dong-bo", officer="canbo")  # the stick that got lost
        carried = export_batch(db, folder / "USB-TANLAP" / "dong-bo", officer="canbo")
        outcome = import_file(hub, carried.file, receipts_out=folder / "USB-TANLAP" / "bien-nhan")  # type: ignore[arg-type]
        with db.transaction(officer="canbo") as session:
            import_receipt(session, Path(outcome.receipt_file))  # type: ignore[arg-type]
            code = list_procedures(session, active_only=True)[0].code
            for i, name in enumerate(("Nguyễn Thị Hoa", "Trần Văn Bình", "Lê Thị Thu Hằng")):
                dossiers.receive(session, dossiers.Reception(
                    procedure_code=code, applicant=dossiers.Applicant(name=name),
                    at=clock.now() - timedelta(minutes=30 - 10 * i)))
    finally:
        hub.dispose()
