"""Hub import (sync-design.md "Hub import"): header → duplicate check → decrypt → device → signature →
header = manifest → file hashes → chain → version gate → [dry run] → apply in ONE transaction →
watermark → signed receipt → commit; staging cleaned in ``finally``.

Every refusal is a ``SyncError`` (machine code + Vietnamese message) raised before anything is
written; the refused file is copied to quarantine and the attempt to the audit table, nothing else.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.platform import clock
from desktop.platform.atomic import write_atomic
from desktop.platform.gc_pause import paused_gc
from desktop.db.session import known_revisions
from desktop.sync import anchor, batch, canonical
from desktop.sync import receipt as receipts
from desktop.sync.container import DEFAULT_LIMITS, Limits, Sealed
from desktop.errors import UserError
from desktop.sync.errors import SyncError
from province import batch_fields, keys, upgrades, watermarks
from province import forwarded, partitions, refusal_rate, report_upkeep
from province.apply import ChangeCounts, apply_changes
from province.db import DB_ERRORS, Hub, meta_in
from province.models import HubBatch, HubDevice, HubImportAudit, HubQuarantine, HubReceipt

log = logging.getLogger("province.import")
MIN_APP_VERSION = (0, 1, 0)


@dataclass(kw_only=True)
class ImportResult(ChangeCounts):
    """One file's import; its counts are the apply step's, ``skipped`` also holding the unchanged ones."""

    file: str
    batch_id: str | None
    status: str  # applied | duplicate | refused | dry_run
    code: str | None = None
    message: str | None = None
    gaps: list[dict[str, Any]] = field(default_factory=list)
    chain: str | None = None
    receipt: bytes | None = None
    receipt_file: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"batch_id": self.batch_id, "status": self.status, "code": self.code, "message": self.message,
                **self.counts(), "gaps": self.gaps, "chain": self.chain,
                "file": self.file, "receipt_file": self.receipt_file}


MAX_BATCH_ENV = "MOTCUA_HUB_MAX_BATCH_MB"
DEFAULT_MAX_BATCH_MB = 64


def hub_limits() -> Limits:
    """The hub's budget for one batch file, so that importing any file stays well under 300 MB.

    The file is held once in memory (the payload is a view into it), decrypted once (the inner archive
    is as large as the payload) and inflated entry by entry up to the sizes the device signed: peak is
    about baseline + 2 × file + inflated. ``MOTCUA_HUB_MAX_BATCH_MB`` (default 64) sets the file cap;
    the inflated total is twice that, one inner file half of it (a changes file holds 5,000 lines). An
    honest batch is a few MB (a day's work: a few hundred KB)."""
    raw = os.environ.get(MAX_BATCH_ENV, "").strip()
    try:
        mb = int(raw) if raw else DEFAULT_MAX_BATCH_MB
    except ValueError:
        raise UserError(f"{MAX_BATCH_ENV} phải là một số nguyên (MB), không phải {raw[:20]!r}.") from None
    if not 1 <= mb <= 1024:
        raise UserError(f"{MAX_BATCH_ENV} phải trong khoảng 1–1024 (MB).")
    cap = mb << 20
    return Limits(max_file_bytes=cap, max_header_bytes=DEFAULT_LIMITS.max_header_bytes,
                  max_entries=DEFAULT_LIMITS.max_entries, max_entry_bytes=cap // 2, max_total_bytes=2 * cap)


@paused_gc()  # ~10 k change dicts and their rows stay alive for the whole import: no full-heap walks meanwhile
def import_file(hub: Hub, path: Path, *, dry_run: bool = False, receipts_out: Path | None = None,
                limits: Limits | None = None) -> ImportResult:
    limits = limits or hub_limits()
    staging = hub.data_dir / "staging" / uuid.uuid4().hex
    data = b""
    batch_id = None
    try:
        if not path.is_file():
            raise SyncError("not_a_batch", f"không tìm thấy {path.name}")
        if path.stat().st_size > limits.max_file_bytes:
            raise SyncError("too_large")
        staging.mkdir(parents=True)
        staged = staging / "batch.bin"
        try:
            shutil.copyfile(path, staged)  # the stick may be pulled out while we work
            data = staged.read_bytes()
        except OSError as exc:
            raise SyncError("unreadable", exc.strerror or type(exc).__name__) from None
        sealed = batch.read_header(data, limits=limits)
        batch_id = _uuid(sealed.header["batch_id"])
        result = _import(hub, sealed, data, path.name, dry_run=dry_run, limits=limits)
    except SyncError as exc:
        result = _refused(hub, path, data, batch_id, exc, dry_run=dry_run)
    except UserError:
        raise  # the operator's problem (no keys, wrong key passphrase), not this file's: stop the run
    except DB_ERRORS as exc:  # a bug or a broken database: this file only, the rest go on
        log.exception("lỗi cơ sở dữ liệu khi nhận gói %s", path.name)
        result = _refused(hub, path, data, batch_id, SyncError("db_error", type(exc).__name__), dry_run=dry_run)
    except Exception as exc:  # noqa: BLE001 — whatever a hostile file provokes is a refusal, never a crash
        log.exception("lỗi không lường trước khi nhận gói %s", path.name)
        result = _refused(hub, path, data, batch_id, SyncError("bad_content", type(exc).__name__), dry_run=dry_run)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if result.receipt is not None and receipts_out is not None:
        receipts_out.mkdir(parents=True, exist_ok=True)
        target = receipts_out / receipts.receipt_file_name(_uuid(result.batch_id))
        if target.resolve().parent != receipts_out.resolve():
            raise SyncError("path_escape", str(result.batch_id)[:40])
        write_atomic(target, result.receipt)
        result.receipt_file = str(target)
    return result


def _uuid(value: Any) -> str:
    """A batch id as the hub writes it into a file name: a canonical UUID, or a refusal."""
    try:
        canonical_id = str(uuid.UUID(str(value)))
    except ValueError:
        canonical_id = None
    if canonical_id != value:
        raise SyncError("bad_batch_id", str(value)[:40])
    return canonical_id


def _refused(hub: Hub, path: Path, data: bytes, batch_id: str | None, exc: SyncError, *,
             dry_run: bool, keep_bytes: bool = True) -> ImportResult:
    """``keep_bytes=False``: an HTTP push refused at its acknowledgement — mostly before its signature was
    checked, so anyone on the network could otherwise fill the hub's disk 64 MB a request; also by the
    checks just after it (schema version, sequence ranges), whose desk still holds the batch — is not
    copied to the quarantine folder; its digest, size, code and message are still recorded."""
    result = ImportResult(file=path.name, batch_id=batch_id, status="refused", code=exc.code, message=exc.message)
    if not dry_run:
        with hub.transaction() as session:
            if keep_bytes or refusal_rate.room(session):
                quarantine_in(session, hub, path.name, data, result, keep_bytes=keep_bytes)
            else:
                log.warning("từ chối gói %s: %s (%s); không ghi sổ: đã quá %d lần từ chối gói chưa xác thực "
                            "trong một phút", path.name, result.message or "", result.code,
                            refusal_rate.UNKEPT_PER_MINUTE)
    return result


def _import(hub: Hub, sealed: Sealed, data: bytes, name: str, *, dry_run: bool, limits: Limits) -> ImportResult:
    header = sealed.header
    digest = canonical.sha256(data)
    with hub.reading() as session:
        known = known_batch(session, header["batch_id"], digest, name)
        if known is not None:
            return known
        public_key = device_key(session, header)
    manifest, changes, ranges, encryption_key = unsealed(hub, sealed, public_key, limits=limits)
    signer = _signing_key(hub)  # before the import's one session, never inside it (issue 14)
    return _apply(hub, header, manifest, changes, ranges, digest, name, dry_run=dry_run, signer=signer,
                  encryption_key=encryption_key)


def unsealed(hub: Hub, sealed: Sealed, public_key: Any, *, limits: Limits) -> tuple[Any, Any, Any, Any]:
    """What an apply needs from a sealed batch — verified, its changes read — with the years it names made
    first (partition DDL before any lock on the data tables). The USB import's and the queue's one way."""
    files, manifest, cert = verify_batch(hub, sealed, public_key, limits=limits)
    changes, ranges = read_batch(sealed.header, files, manifest)
    partitions.ensure_for_changes(hub.engine, changes)
    return manifest, changes, ranges, forwarded.certificate_encryption_key(cert)


def known_batch(session: Any, batch_id: str, digest: str, name: str) -> ImportResult | None:
    """An applied batch seen again: its stored receipt (a duplicate), or a refusal if its bytes differ."""
    known = session.get(HubBatch, batch_id)
    if known is None:
        return None
    if known.sha256 != digest:
        raise SyncError("duplicate_id_different_hash", batch_id)
    stored = session.get(HubReceipt, batch_id)
    return ImportResult(file=name, batch_id=known.batch_id, status="duplicate", applied=0, skipped=known.changes,
                        chain=known.chain, receipt=stored.content if stored else None)


def device_key(session: Any, header: dict[str, Any]) -> str:
    """Who sent it, before any key is used or anything inflated: the enrolled, unrevoked device's key."""
    device = session.get(HubDevice, header["device_id"])
    if device is None:
        raise SyncError("unknown_device", header["device_id"][:8])
    if device.revoked_at is not None:
        raise SyncError("revoked_device", header["device_id"][:8])
    if device.unit_code != header["unit_code"]:
        # the header is not authenticated yet and its refusal is recorded: echo no more of it than a code
        raise SyncError("wrong_unit", f"{header['unit_code'][:40]} ≠ {device.unit_code}")
    return str(device.public_key)


def verify_batch(hub: Hub, sealed: Sealed, public_key: str, *,
                 limits: Limits) -> tuple[dict[str, bytes], dict[str, Any], dict[str, Any]]:
    """Everything that refuses a batch as a whole and costs little (no change is parsed): decrypt,
    signature by the enrolled key, file hashes, certificate = header, version gate, manifest ranges.
    The push acknowledgement (``province.intake``) runs exactly this before it stores a batch."""
    header = sealed.header
    files, manifest = batch.open_verified(sealed, _encryption_keys(hub), public_key, limits=limits)
    cert = batch.device_certificate(files)
    if cert.get("device_id") != header["device_id"] or cert.get("unit_code") != header["unit_code"]:
        raise SyncError("header_mismatch", "chứng thư thiết bị")
    _version_gate(header)
    batch_fields.check(header, manifest)
    return files, manifest, cert


def read_batch(header: dict[str, Any], files: dict[str, bytes],
               manifest: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, list[int]]]:
    """The changes (strictly parsed, older schemas upgraded) and the sequence ranges they must lie in."""
    changes = upgrades.upgrade_changes(header, batch.read_changes(files, manifest))  # sync part 2: old schemas
    return changes, _ranges(manifest, header, changes)


def _signing_key(hub: Hub, kid: Any = None) -> Any:
    """The province's signing key, loaded once per process per key id (key files never change in place);
    ``kid``: the current id, when the caller has just read it (one query less on the push path)."""
    kid = kid or hub.meta("signing_kid")
    return hub.remember(("signing", kid), lambda: keys.signing_key(hub))


def _encryption_keys(hub: Hub) -> Any:
    """The decryption keys, reloaded only when a key file is added or removed (key rotation)."""
    present = tuple(sorted(p.name for p in keys.keys_dir(hub).glob("encryption-*")))
    return hub.remember(("encryption", present), lambda: keys.encryption_keys(hub))


def _ranges(manifest: dict[str, Any], header: dict[str, Any], changes: list[dict[str, Any]]) -> dict[str, list[int]]:
    ranges = batch_fields.ranges(manifest, header)
    for change in changes:
        span = ranges.get(change["epoch"])
        if span is None or not span[0] <= change["seq"] <= span[1]:
            raise SyncError("bad_format", "thay đổi nằm ngoài dải thứ tự của gói")
    return ranges


def _version_gate(header: dict[str, Any]) -> None:
    """Schema revisions must be ones this hub knows (older ones are read with defaults); app not too old."""
    unknown = set(str(header["schema_version"]).split("+")) - known_revisions()
    if unknown:
        raise SyncError("unsupported_version", f"lược đồ {', '.join(sorted(unknown))} mới hơn máy chủ tỉnh")
    try:
        app = tuple(int(p) for p in str(header.get("app_version", "0")).split(".")[:3])
    except ValueError:
        app = (0,)
    if app < MIN_APP_VERSION:
        raise SyncError("unsupported_version", f"phiên bản phần mềm {header.get('app_version')} quá cũ")


def _chain(session: Any, manifest: dict[str, Any]) -> str:
    previous = manifest.get("previous_batch")
    if not previous:
        return "first"
    known = session.get(HubBatch, previous.get("batch_id"))
    if known is None:
        return "unknown_previous"
    return "ok" if known.sha256 == previous.get("sha256") else "mismatch"


def _apply(hub: Hub, header: dict[str, Any], manifest: dict[str, Any], changes: list[dict[str, Any]],
           ranges: dict[str, list[int]], digest: str, name: str, *, dry_run: bool, signer: Any,
           encryption_key: str | None = None) -> ImportResult:
    session = hub.sessions()
    try:
        # One import per device at a time (PostgreSQL row lock; SQLite has a single writer anyway),
        # and the inbox looked at again under that lock: a parallel import of the same file is a duplicate.
        device = session.scalars(select(HubDevice).where(HubDevice.device_id == header["device_id"])
                                 .with_for_update()).one()
        known = known_batch(session, header["batch_id"], digest, name)
        if known is not None:
            return known
        result = apply_locked(session, device, header, manifest, changes, ranges, digest, name, dry_run=dry_run,
                              signer=signer, encryption_key=encryption_key)
        if dry_run:
            session.rollback()
            return result
        session.commit()
        log.info("đã nhận gói %s: %s", header["batch_id"], result.counts())
        return result
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def apply_locked(session: Any, device: HubDevice, header: dict[str, Any], manifest: dict[str, Any],
                 changes: list[dict[str, Any]], ranges: dict[str, list[int]], digest: str, name: str, *,
                 dry_run: bool, signer: Any, encryption_key: str | None = None) -> ImportResult:
    """The apply itself, inside the caller's transaction, its device row already locked (the USB import
    above and the push applier in ``province.intake`` both come here); the caller commits."""
    now = clock.now()
    device_id = header["device_id"]
    chain = _chain(session, manifest)
    covered = watermarks.covered(session, device_id, list(ranges))
    touched = report_upkeep.touched_dossiers(changes)
    report_upkeep.lock_dossiers(session, touched)  # a concurrent writer of one of them commits first
    before = report_upkeep.report_values(session, touched)  # what they counted as, and where, before
    outcome = apply_changes(session, changes, device_id=device_id, unit_code=header["unit_code"],
                            batch_id=header["batch_id"], covered=covered, now=now)
    inserted = report_upkeep.as_stored(session, outcome.inserted.get("dossier", []))  # new to the hub
    refolded = forwarded.refold(session, touched, inserted)  # issue #15: a forwarded dossier's state, both sides
    report_upkeep.after_apply(session, touched, before, inserted, refolded)  # aggregates, same transaction
    holes = watermarks.record(session, device_id, ranges, epoch=header["epoch"],
                              epoch_start=manifest.get("epoch_start") or 1, now=now)
    facts = meta_in(session, "package_version", "name")
    body = {
        "format": receipts.RECEIPT_FORMAT, "format_version": 1, "receipt_id": str(uuid.uuid4()),
        "status": "dry_run" if dry_run else "applied", "batch_id": header["batch_id"], "batch_sha256": digest,
        "device_id": device_id, "unit_code": header["unit_code"], "epoch": header["epoch"],
        "accepted_through": {ep: span[1] for ep, span in ranges.items()},
        "counts": {"changes": len(changes), "applied": outcome.applied, "unchanged": outcome.unchanged,
                   "skipped": outcome.skipped, "rejected": outcome.rejected, "conflict": outcome.conflicts},
        "problems": outcome.problems, "gaps": holes, "chain": chain, "hub_time": clock.iso(now),
        "reference_version": facts.get("package_version"), "province": facts.get("name"),
        "audit_head": anchor.valid_head(manifest.get("audit_head")),  # signed back: the desk's audit anchor
    }
    content = receipts.sign(body, signer)
    skipped = outcome.skipped + outcome.unchanged
    result = ImportResult(file=name, batch_id=header["batch_id"], status="dry_run" if dry_run else "applied",
                          applied=outcome.applied, skipped=skipped, unchanged=outcome.unchanged,
                          conflicts=outcome.conflicts, rejected=outcome.rejected, gaps=holes, chain=chain,
                          receipt=None if dry_run else content)
    if dry_run:
        return result
    session.add(HubBatch(batch_id=header["batch_id"], sha256=digest, device_id=device_id,
                         unit_code=header["unit_code"], epoch=header["epoch"], seq_from=header["seq_from"],
                         seq_to=header["seq_to"], previous_batch_id=(manifest.get("previous_batch") or {}).get("batch_id"),
                         chain=chain, changes=len(changes), applied=outcome.applied, skipped=skipped,
                         created_at=header["created_at"], imported_at=now))
    device.app_version = str(header.get("app_version", ""))  # sync part 2: hub views
    device.encryption_key = device.encryption_key or encryption_key  # an older enrolment learns it (#15)
    session.add(HubReceipt(batch_id=header["batch_id"], receipt_id=body["receipt_id"], content=content,
                           created_at=now))
    session.add(HubImportAudit(file_name=name, sha256=digest, batch_id=header["batch_id"], status="applied",
                               detail=body["counts"] | {"gaps": holes, "chain": chain}, at=now))
    return result


def quarantine_in(session: Any, hub: Hub, name: str, data: bytes, result: ImportResult, *,
                  keep_bytes: bool = True) -> None:
    """The refused bytes kept for a person to look at (never the data tables), and their rows, inside the
    caller's transaction (the push applier's)."""
    now = clock.now()
    digest = canonical.sha256(data) if data else ""
    stored = ""
    if data and keep_bytes:
        folder = hub.data_dir / "quarantine"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{now:%Y%m%dT%H%M%S}-{digest[:12]}.bin"
        write_atomic(target, data)
        stored = str(target)
    session.add(HubQuarantine(file_name=name, stored_as=stored, sha256=digest, batch_id=result.batch_id,
                              code=result.code or "", message=result.message or "", refused_at=now))
    session.add(HubImportAudit(file_name=name, sha256=digest, batch_id=result.batch_id, status="refused",
                               code=result.code, detail={"message": result.message, "size": len(data),
                                                     "bytes_kept": bool(stored)}, at=now))
    log.warning("từ chối tệp gói %s: %s (%s)", name, result.message or "", result.code)
