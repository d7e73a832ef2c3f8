"""Restoring the desk database from a backup: check first, keep what is there, swap atomically.

After a restore the desk's change log no longer matches what the hub has seen, so the restore starts
a new sync epoch (Setting ``db_epoch`` and the ``<db>.epoch`` file beside the database, if present);
the sync side re-sends from the start of the new epoch. The app must have closed its connections.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from desktop import settings
from desktop.platform import clock
from desktop.platform.atomic import fsync_dir
from desktop.platform.read_only import connect_read_only
from desktop.platform.backup import _fsync_file, backup_now, default_backup_dir, integrity_errors, snapshot, write_epoch_file
from desktop.errors import UserError

log = logging.getLogger("desktop.db.restore")


@dataclass(frozen=True)
class RestoreResult:
    db_path: Path
    restored_from: Path
    safety_backup: Path | None
    epoch: str

    def to_json(self) -> dict[str, str | None]:
        return {"db": str(self.db_path), "restored_from": str(self.restored_from),
                "safety_backup": str(self.safety_backup) if self.safety_backup else None, "epoch": self.epoch}


def _check_backup(backup: Path) -> None:
    if not backup.is_file():
        raise UserError(f"Không tìm thấy tệp sao lưu {backup}.", field="file", code="no_backup")
    problems = integrity_errors(backup)
    if problems:
        raise UserError(
            f"Tệp sao lưu {backup.name} bị hỏng ({problems[0]}); không khôi phục từ tệp này. "
            "Hãy chọn một bản sao lưu khác.", field="file", code="backup_corrupt")
    con = connect_read_only(backup)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        revisions = {r[0] for r in con.execute("SELECT version_num FROM alembic_version")} \
            if "alembic_version" in tables else set()
    finally:
        con.close()
    if not {"setting", "dossier"} <= tables or not revisions:
        raise UserError(f"Tệp {backup.name} không phải bản sao lưu của Một Cửa Offline.", field="file",
                        code="not_a_backup")
    from desktop.db.session import known_revisions, make_engine

    engine = make_engine(str(backup))
    try:
        unknown = revisions - known_revisions(engine)
    finally:
        engine.dispose()
    if unknown:
        raise UserError(f"Bản sao lưu {backup.name} được tạo bởi phiên bản phần mềm mới hơn; "
                        "hãy cài phiên bản mới nhất rồi khôi phục lại.", field="file", code="db_too_new")


def _check_permission(db_path: Path, officer: str | None) -> None:
    """Only an admin (or the local system account) may restore; a database too damaged to read has no
    trustworthy roles left, so the check is skipped for it (the officer is at the PC with the file)."""
    from sqlalchemy.exc import DatabaseError

    from desktop.db.session import open_database
    from desktop.services.permissions import Permission, require

    try:
        db = open_database(db_path, migrate=False)
    except DatabaseError:
        return
    try:
        with db.reading() as session:
            session.info["officer"] = officer
            require(session, Permission.RESTORE)
    except DatabaseError as exc:
        log.warning("khôi phục: không đọc được dữ liệu hiện tại (%s); bỏ qua kiểm tra vai trò", exc)
    finally:
        db.dispose()


def _safety_copy(db_path: Path) -> Path | None:
    """Back up what is there before replacing it; a damaged file is copied raw for the record."""
    if not db_path.is_file():
        return None
    try:
        return backup_now(db_path, kind="pre-restore")
    except (sqlite3.DatabaseError, UserError) as exc:
        log.warning("không sao lưu được trước khi khôi phục (%s); giữ bản chép nguyên trạng của tệp hỏng", exc)
        folder = default_backup_dir() / "damaged"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = f"{clock.now():%Y%m%d-%H%M%S}"
        target = folder / f"{stamp}-{db_path.name}"
        for suffix in ("", "-wal"):
            part = Path(str(db_path) + suffix)
            if part.is_file():
                shutil.copyfile(part, Path(str(target) + suffix))
        return target


def _set_epoch(path: Path, epoch: str, source: str) -> None:
    """The new epoch, plus a note for the sync layer (``settings.EPOCH_RESTORED.key``): at its next ``ensure_epoch`` it
    moves the backup's unconfirmed changes into this epoch and records where the epoch starts, so the
    hub neither skips them (their old numbers were seen from the lost future) nor reports a phantom gap.
    """
    con = sqlite3.connect(path)
    try:
        row = con.execute("SELECT value FROM setting WHERE key = ?", (settings.EPOCH.key,)).fetchone()
        previous = json.loads(row[0]) if row and row[0] else None
        note = {"epoch": epoch, "previous": previous, "backup": source, "at": clock.iso(clock.now())}
        for key, value in ((settings.EPOCH.key, epoch), (settings.EPOCH_RESTORED.key, note)):
            con.execute("INSERT INTO setting(key, value) VALUES (?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, json.dumps(value)))
        con.commit()
    finally:
        con.close()


def _checkpoint(db_path: Path) -> None:
    try:
        con = sqlite3.connect(db_path)
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        log.warning("không ghi dồn nhật ký trước khi khôi phục: %s", exc)


def _retire_audit_anchor(db_path: Path, epoch: str) -> None:
    """The province's last signed audit head described the database just replaced; the restored backup
    is older, so that anchor is set aside (renamed, kept) and the backup's own anchor applies."""
    from desktop.db.audit_key import anchor_file

    try:
        con = sqlite3.connect(db_path)
        try:
            row = con.execute("SELECT value FROM setting WHERE key = 'device_id'").fetchone()
        finally:
            con.close()
        anchor = anchor_file(str(json.loads(row[0]))) if row else None
    except (sqlite3.DatabaseError, ValueError, TypeError):
        return
    if anchor is not None and anchor.exists():
        os.replace(anchor, anchor.with_name(f"{anchor.name}.before-restore-{epoch[:8]}"))
        log.info("đã cất riêng mốc nhật ký sau khi khôi phục: %s", anchor.name)


def restore(db_path: Path | str, backup_file: Path | str, *, officer: str | None = None) -> RestoreResult:
    """Replace the database with a checked backup, after backing up the current one; new sync epoch."""
    db_path, backup = Path(db_path).resolve(), Path(backup_file).resolve()
    if backup == db_path:
        raise UserError("Tệp sao lưu trùng với cơ sở dữ liệu đang dùng.", field="file")
    _check_backup(backup)
    if db_path.is_file():
        _check_permission(db_path, officer)
    safety = _safety_copy(db_path)
    staging = db_path.with_name(db_path.name + ".restoring")
    epoch = str(uuid.uuid4())
    try:
        snapshot(backup, staging)
        _set_epoch(staging, epoch, backup.name)
        _fsync_file(staging)
        if db_path.is_file():
            _checkpoint(db_path)
        os.replace(staging, db_path)
    finally:
        staging.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):  # never let the old file's journal touch the new one
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    fsync_dir(db_path.parent)
    epoch_file = db_path.with_name(db_path.name + ".epoch")
    if epoch_file.exists():
        write_epoch_file(db_path, epoch)
    _retire_audit_anchor(db_path, epoch)
    log.info("đã khôi phục dữ liệu từ %s; bắt đầu kỷ nguyên đồng bộ mới", backup.name)
    return RestoreResult(db_path, backup, safety, epoch)
