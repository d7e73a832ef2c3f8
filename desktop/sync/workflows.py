"""Each sync action an officer starts, as one function that the command line and the Đồng bộ page both
call.

A multi-step action used to be assembled by each front end: "download the province package, then apply
it" was written twice, and every caller had to remember the epoch check (a restored or copied database
must start a new epoch before it exports or acknowledges anything). Here each action opens its own
transaction and makes its own checks, so no front end can get the order wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop import settings
from desktop.db.session import Database
from desktop.services.desk import get_setting
from desktop.sync import identity, keys
from desktop.sync.package import ApplyResult, apply_package, apply_package_file
from desktop.sync.push import device_signer, fetch_package
from desktop.sync.receipt import ReceiptOutcome, import_receipt
from desktop.sync.status import sync_status


@dataclass(frozen=True)
class PackageDownload:
    """What ``download_package`` did: the version the desk had, and the applied package (None: up to date)."""

    current: int
    applied: ApplyResult | None


def install_key(db: Database, path: Path, *, officer: str | None) -> dict[str, Any]:
    with db.transaction(officer=officer) as session:
        return keys.install_bundle(session, path)


def write_enrolment(db: Database, path: Path, *, officer: str | None) -> dict[str, Any]:
    identity.ensure_epoch(db)
    with db.transaction(officer=officer) as session:
        return keys.write_enrolment(session, path)


def receive_receipt(db: Database, path: Path, *, officer: str | None) -> ReceiptOutcome:
    identity.ensure_epoch(db)
    with db.transaction(officer=officer) as session:
        return import_receipt(session, path)


def install_package_file(db: Database, path: Path, *, officer: str | None) -> ApplyResult:
    with db.transaction(officer=officer) as session:
        return apply_package_file(session, path)


def download_package(db: Database, url: str, *, officer: str | None) -> PackageDownload:
    """Ask the hub (signed by this device) for a package newer than the one applied, and apply it."""
    with db.reading() as session:
        current = int(get_setting(session, settings.PACKAGE_VERSION.key, 0) or 0)
    data = fetch_package(url, current=current, signer=device_signer(db))
    if data is None:
        return PackageDownload(current=current, applied=None)
    with db.transaction(officer=officer) as session:
        return PackageDownload(current=current, applied=apply_package(session, data))


def status(db: Database, *, recent: int = 10) -> dict[str, Any]:
    identity.ensure_epoch(db)
    with db.reading() as session:
        return sync_status(session, recent=recent)
