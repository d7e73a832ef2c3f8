"""Backups as front ends use them: the role check, the copy, its check, and the list of what exists.

``desktop.platform.backup`` does the copying and rotation with plain sqlite3; the role checks live here so the
desk UI and the CLI refuse the same people (every role may back up; only an admin changes where the
second copy goes; restore's own check is in ``desktop.services.restore``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from desktop import settings
from desktop.platform.backup import BackupFile, Progress, backup_now, default_backup_dir, integrity_errors, list_backups, parse_backup
from desktop.errors import UserError
from desktop.services import desk
from desktop.services.permissions import Permission, require

if TYPE_CHECKING:
    from desktop.db.session import Database


@dataclass(frozen=True)
class BackupEntry:
    backup: BackupFile
    size: int
    folder_label: str  # "Thư mục sao lưu", "Thư mục thứ hai", or the folder itself


def manual_backup(db: Database, officer: str | None, folder: Path | None = None,
                  progress: Progress | None = None) -> BackupFile:
    """«Sao lưu ngay»: checked role, consistent copy into ``folder`` (default: the backup folder), then
    the copy itself passes ``integrity_check`` or the officer is told it did not."""
    if db.path is None:
        raise UserError("Cơ sở dữ liệu này không phải tệp trên máy nên không sao lưu được.")
    with db.reading() as session:
        session.info["officer"] = officer
        require(session, Permission.BACKUP)
    path = backup_now(db.path, folder, "manual", progress=progress)
    problems = integrity_errors(path)
    if problems:
        raise UserError(f"Bản sao lưu {path} không đạt kiểm tra toàn vẹn ({problems[0]}); hãy sao lưu lại "
                        "vào ổ đĩa khác.", code="backup_corrupt")
    info = parse_backup(path)
    assert info is not None  # backup_now names it so parse_backup reads it
    return info


def second_dir(session: Session) -> Path | None:
    value = desk.get_setting(session, settings.BACKUP_SECOND_DIR.key)
    return Path(str(value)) if value else None


def set_second_dir(session: Session, folder: Path | None) -> None:
    """Where every automatic backup is also copied (a USB stick); None switches it off. Admin only."""
    require(session, Permission.MANAGE_SETTINGS)
    if folder is not None and not Path(folder).is_absolute():
        raise UserError("Thư mục thứ hai phải là đường dẫn đầy đủ, ví dụ E:\\SaoLuu.", field="second_dir")
    desk.put_setting(session, settings.BACKUP_SECOND_DIR.key, str(folder) if folder else None)


def backup_entries(second: Path | None = None, extra: Iterable[Path] = ()) -> list[BackupEntry]:
    """Backups in the backup folder, the second folder and any other folder named, newest first."""
    folders: list[tuple[Path, str]] = [(default_backup_dir(), "Thư mục sao lưu")]
    if second is not None:
        folders.append((second, "Thư mục thứ hai"))
    folders += [(Path(f), str(f)) for f in extra]
    seen: set[Path] = set()
    entries: list[BackupEntry] = []
    for folder, label in folders:
        resolved = folder.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        for b in list_backups(folder):
            try:
                size = b.path.stat().st_size
            except OSError:  # unplugged between listing and stat
                continue
            entries.append(BackupEntry(b, size, label))
    return sorted(entries, key=lambda e: (e.backup.taken_at, e.backup.path.name), reverse=True)
