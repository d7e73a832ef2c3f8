"""Backups of the desk database with SQLite's online backup API, their rotation, and restore.

A commune PC loses power and gets USB sticks plugged in; the backup is the officer's only undo.
Backups are consistent snapshots (``sqlite3.Connection.backup``: the ``-wal`` file's commits are
included), written under a temporary name and renamed, named with their moment, kind and the app
version so an officer can pick one by eye.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from desktop import settings
from desktop import __version__

from desktop.platform import clock
from desktop.platform.atomic import atomic_write, fsync_dir, unused_name, write_atomic
from desktop.errors import UserError
from desktop.platform.paths import data_dir, private_dir, private_file
from desktop.platform.read_only import connect_read_only, setting_value

log = logging.getLogger("desktop.db.backup")

KINDS = ("daily", "manual", "pre-migration", "pre-restore")
Progress = Callable[[int, int], None]  # (pages copied, pages in total), called between backup steps
STEP_PAGES = 1024  # 4 MiB per step with the default page size: a visible progress bar on big files
# settings.EPOCH_RESTORED.key: tells the sync layer that a restore started the current epoch, so it
# moves the backup's unconfirmed changes into it (see identity.ensure_epoch).
_NAME = re.compile(
    r"^motcua-(?P<stamp>\d{8}-\d{6})-(?P<kind>[a-z-]+?)-v(?P<version>[0-9A-Za-z.+-]+?)(?:-(?P<n>\d+))?\.sqlite3$"
)


@dataclass(frozen=True)
class RotationPolicy:
    """How many automatic backups to keep: the newest of each of the last N days, ISO weeks, months."""

    daily: int = 7
    weekly: int = 8
    monthly: int = 12


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    kind: str
    version: str

    def to_json(self) -> dict[str, str]:
        return {"path": str(self.path), "taken_at": clock.iso(self.taken_at) or "", "kind": self.kind,
                "version": self.version, "size": str(self.path.stat().st_size)}


def default_backup_dir() -> Path:
    return private_dir(data_dir() / "backups")


def backup_name(moment: datetime, kind: str) -> str:
    return f"motcua-{clock.to_vn(moment):%Y%m%d-%H%M%S}-{kind}-v{__version__}.sqlite3"


def parse_backup(path: Path) -> BackupFile | None:
    match = _NAME.match(path.name)
    if match is None or match["kind"] not in KINDS:
        return None
    d, t = match["stamp"].split("-")
    try:
        taken = datetime(int(d[:4]), int(d[4:6]), int(d[6:]), int(t[:2]), int(t[2:4]), int(t[4:]),
                         tzinfo=clock.VN_TZ)
    except ValueError:  # a name that only looks like ours
        return None
    return BackupFile(path, taken, match["kind"], match["version"])


def list_backups(directory: Path | None = None) -> list[BackupFile]:
    """Backups in a folder, newest first."""
    folder = Path(directory) if directory else default_backup_dir()
    if not folder.is_dir():
        return []
    found = [b for b in (parse_backup(p) for p in folder.glob("motcua-*.sqlite3")) if b is not None]
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        handle.flush()
        os.fsync(handle.fileno())


def snapshot(source: Path, target: Path, progress: Progress | None = None) -> None:
    """Consistent copy of ``source`` into ``target`` (a temp name, fsynced, renamed into place).

    With ``progress`` the copy runs in steps of STEP_PAGES pages and reports after each one.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = private_file(target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp"))
    src = connect_read_only(source)
    try:
        dst = sqlite3.connect(tmp)
        try:
            if progress is None:
                src.backup(dst)
            else:
                src.backup(dst, pages=STEP_PAGES,
                           progress=lambda _status, remaining, total: progress(total - remaining, total))
            dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        finally:
            dst.close()
        _fsync_file(tmp)
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        src.close()


def read_setting(db_path: Path, key: str) -> object | None:
    """A desk Setting read with plain sqlite3 (works before SQLAlchemy is up, and on a closed app)."""
    try:
        con = connect_read_only(Path(db_path))
    except sqlite3.Error:
        return None
    try:
        return setting_value(con, key)
    except sqlite3.Error:
        return None
    finally:
        con.close()


def backup_now(db_path: Path | str, dest_dir: Path | str | None = None, kind: str = "manual",
               *, now: datetime | None = None, second_dir: Path | str | None = None,
               progress: Progress | None = None) -> Path:
    """Take one backup now; also copy it to the second folder (Setting ``backup_second_dir``) if set.

    A missing or full second folder (USB stick unplugged) is logged, never fatal.
    """
    source = Path(db_path)
    if kind not in KINDS:
        raise ValueError(f"unknown backup kind {kind!r}")
    if not source.is_file():
        raise UserError(f"Không tìm thấy tệp cơ sở dữ liệu {source} để sao lưu.", code="no_database")
    folder = Path(dest_dir) if dest_dir else default_backup_dir()
    target = unused_name(folder / backup_name(now or clock.now(), kind))
    try:
        snapshot(source, target, progress)
    except OSError as exc:
        raise UserError(f"Không ghi được bản sao lưu vào {folder}: {exc.strerror or exc}. "
                        "Kiểm tra ổ đĩa còn chỗ trống và quyền ghi.", code="backup_failed") from exc
    log.info("đã ghi bản sao lưu %s (%s, %d byte)", target.name, kind, target.stat().st_size)
    extra = second_dir if second_dir is not None else read_setting(source, settings.BACKUP_SECOND_DIR.key)
    if extra:
        copy_to_second_dir(target, Path(str(extra)))
    return target


def copy_to_second_dir(backup: Path, folder: Path) -> Path | None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / backup.name
        with open(backup, "rb") as source:
            atomic_write(target, lambda handle: shutil.copyfileobj(source, handle))
        log.info("đã chép bản sao lưu %s sang thư mục thứ hai", backup.name)
        return target
    except OSError as exc:
        log.warning("không ghi được vào thư mục sao lưu thứ hai %s: %s", folder, exc)
        return None


def policy_from_settings(db_path: Path) -> RotationPolicy:
    """Setting ``backup_rotation`` = {"daily": 7, "weekly": 8, "monthly": 12} overrides the defaults."""
    raw = read_setting(db_path, settings.BACKUP_ROTATION.key)
    if not isinstance(raw, dict):
        return RotationPolicy()
    base = RotationPolicy()
    return RotationPolicy(**{k: max(0, int(raw.get(k, getattr(base, k)))) for k in ("daily", "weekly", "monthly")})


def _bucket_keep(backups: list[BackupFile], key, count: int) -> set[Path]:  # type: ignore[no-untyped-def]
    """The newest backup in each of the ``count`` newest buckets (days, weeks or months)."""
    kept: dict[object, Path] = {}
    for b in backups:  # newest first
        bucket = key(b.taken_at.date())
        if bucket not in kept:
            if len(kept) >= count:
                break
            kept[bucket] = b.path
    return set(kept.values())


def _week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def rotate(directory: Path | str | None = None, policy: RotationPolicy | None = None) -> list[Path]:
    """Delete automatic backups the policy no longer keeps; returns what was deleted.

    Kept: newest per day for ``daily`` days, per ISO week for ``weekly`` weeks, per month for
    ``monthly`` months (grandfather-father-son), plus the newest of each kind, so the last
    pre-migration and pre-restore snapshots survive. Manual backups are never deleted.
    """
    policy = policy or RotationPolicy()
    backups = [b for b in list_backups(Path(directory) if directory else None) if b.kind != "manual"]
    keep: set[Path] = set()
    keep |= _bucket_keep(backups, lambda d: d, policy.daily)
    keep |= _bucket_keep(backups, _week, policy.weekly)
    keep |= _bucket_keep(backups, lambda d: (d.year, d.month), policy.monthly)
    for kind in KINDS:
        newest = next((b for b in backups if b.kind == kind), None)
        if newest is not None:
            keep.add(newest.path)
    deleted = []
    for b in backups:
        if b.path not in keep:
            b.path.unlink(missing_ok=True)
            deleted.append(b.path)
    if deleted:
        log.info("đã xóa %d bản sao lưu cũ", len(deleted))
    return deleted


def due_backup(db_path: Path | str, now: datetime | None = None, backup_dir: Path | str | None = None) -> bool:
    """True when today (VN time) has no backup yet; the UI asks this on a timer while it runs."""
    if not Path(db_path).is_file():
        return False
    today = clock.to_vn(now or clock.now()).date()
    return not any(b.taken_at.date() == today for b in list_backups(Path(backup_dir) if backup_dir else None))


def run_scheduled_backup(db_path: Path | str, now: datetime | None = None, backup_dir: Path | str | None = None,
                         policy: RotationPolicy | None = None) -> Path | None:
    """The daily backup: taken if due, then old ones rotated. Returns the new file or None."""
    if not due_backup(db_path, now, backup_dir):
        return None
    path = backup_now(db_path, backup_dir, "daily", now=now)
    rotate(backup_dir, policy or policy_from_settings(Path(db_path)))
    return path


def integrity_errors(path: Path, *, quick: bool = False) -> list[str]:
    """``PRAGMA integrity_check`` (or ``quick_check``) rows other than 'ok'; unreadable files fail too."""
    try:
        con = connect_read_only(path)
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        rows = con.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check").fetchall()
        return [str(r[0]) for r in rows if r[0] != "ok"]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        con.close()


def latest_good_backup(directories: Iterable[Path | None] = (None,)) -> BackupFile | None:
    """The newest backup (across folders) that passes quick_check."""
    candidates: list[BackupFile] = []
    for folder in directories:
        candidates.extend(list_backups(folder))
    for backup in sorted(candidates, key=lambda b: b.taken_at, reverse=True):
        if not integrity_errors(backup.path, quick=True):
            return backup
    return None


def write_epoch_file(db_path: Path, epoch: str) -> Path:
    return write_atomic(db_path.with_name(db_path.name + ".epoch"), (epoch + "\n").encode("utf-8"))
