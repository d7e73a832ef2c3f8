"""Start-up check of the desk database: is the file sound, and if not, where is the way back.

Run before the app opens the database (the UI shows the UserError's message as is). Large files get
``quick_check`` (seconds instead of minutes on an old PC); small ones the full ``integrity_check``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from desktop import settings
from desktop.platform.backup import BackupFile, default_backup_dir, integrity_errors, latest_good_backup, read_setting
from desktop.errors import UserError

log = logging.getLogger("desktop.db")

QUICK_CHECK_ABOVE = 200 * 1024 * 1024


@dataclass(frozen=True)
class HealthResult:
    path: Path
    ok: bool
    mode: str  # "integrity_check" | "quick_check" | "new"
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"db": str(self.path), "ok": self.ok, "mode": self.mode, "problems": self.problems}


def check_database(db_path: Path | str) -> HealthResult:
    path = Path(db_path)
    if not path.exists():
        return HealthResult(path, True, "new")
    quick = path.stat().st_size > QUICK_CHECK_ABOVE
    problems = integrity_errors(path, quick=quick)
    mode = "quick_check" if quick else "integrity_check"
    if problems:
        log.error("kiểm tra %s (%s) phát hiện lỗi: %s", path.name, mode, "; ".join(problems[:5]))
    return HealthResult(path, not problems, mode, problems[:20])


def backup_dirs(db_path: Path) -> list[Path | None]:
    dirs: list[Path | None] = [default_backup_dir()]
    second = read_setting(db_path, settings.BACKUP_SECOND_DIR.key)
    if second:
        dirs.append(Path(str(second)))
    return dirs


def damaged_message(db_path: Path, backup: BackupFile | None) -> str:
    head = f"Tệp dữ liệu {db_path} bị hỏng (kiểm tra toàn vẹn không đạt), không thể mở an toàn."
    if backup is None:
        return (f"{head} Không tìm thấy bản sao lưu còn tốt. Đừng xóa tệp này; hãy liên hệ bộ phận hỗ trợ "
                "của huyện/tỉnh và mang theo máy hoặc ổ USB có bản sao lưu.")
    return (f"{head} Bản sao lưu tốt gần nhất: {backup.path} (lúc {backup.taken_at:%H:%M ngày %d/%m/%Y}). "
            f"Để khôi phục, quản trị viên chạy: MotCuaOffline-console restore \"{backup.path}\" "
            f"(hoặc python -m desktop restore \"{backup.path}\"). Dữ liệu nhập sau thời điểm sao lưu "
            "cần nhập lại.")


def ensure_healthy(db_path: Path | str) -> HealthResult:
    """Raise a Vietnamese UserError naming the latest good backup and the restore command on failure."""
    result = check_database(db_path)
    if not result.ok:
        backup = latest_good_backup(backup_dirs(result.path))
        raise UserError(damaged_message(result.path, backup), code="db_corrupt")
    return result


def open_checked(db_path: Path | str):  # type: ignore[no-untyped-def]
    """What the GUI start-up calls: check, then open (and migrate, after a backup)."""
    from desktop.db.session import open_database

    ensure_healthy(db_path)
    return open_database(db_path)
