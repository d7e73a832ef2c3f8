"""The desk's inbox (issue #15): forwarded dossiers from the hub, by USB file or over the network.

Opened like a batch but the other way round: sealed to this device's encryption key, the content signed
by the province (sign, then encrypt). Only rows this unit does not own are taken, each guarded by its
version (the dossier row by ``peer_version``, since the resolving desk's own edits move its local
``version``); then every forwarded dossier touched is re-derived from its whole timeline
(``desktop.rules.two_tier.fold``). Rows go in through Core statements, so nothing received is logged
for export again: the hub already has it. A lost, repeated or reordered file changes nothing extra.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from desktop.db.models import Dossier, DossierEvent, Procedure
from desktop.errors import UserError
from desktop.rules.two_tier import FOLDED, fold, forwarded_between_units
from desktop.services.resolvers import local_code
from desktop.sync import canonical, container, identity, keys, tables
from desktop.sync.container import DEFAULT_LIMITS, Limits
from desktop.sync.errors import MESSAGES, SyncError

FORMAT = "motcua-inbox"
ORDER = ("dossier", "dossier_component", "dossier_event", "supplement", "apology")
MESSAGES.setdefault("not_an_inbox", "Tệp này không phải hộp thư hồ sơ chuyển đến của tỉnh.")
MESSAGES.setdefault("bad_inbox_signature",
                    "Chữ ký của tỉnh trên hộp thư không hợp lệ: tệp không do tỉnh phát hành hoặc đã bị sửa.")
MESSAGES.setdefault("wrong_inbox_unit", "Hộp thư này dành cho đơn vị khác.")


@dataclass
class InboxResult:
    applied: int = 0
    unchanged: int = 0
    dossiers: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"applied": self.applied, "unchanged": self.unchanged, "dossiers": self.dossiers,
                "problems": self.problems}


def read_inbox(session: Session, data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """Decrypt with this device's key, check the province's signature and the unit; the signed content."""
    sealed = container.read_sealed(data, limits=limits)
    if sealed.header.get("format") != FORMAT:
        raise SyncError("not_an_inbox")
    device = identity.device_id(session)
    key = identity.encryption_key(device)
    files = container.open_sealed(sealed, {container.key_id(container.raw_public(key.public_key())): key},
                                  limits=limits)
    if set(files) != {"inbox.json", "inbox.sig"}:
        raise SyncError("not_an_inbox")
    signature = canonical.loads(files["inbox.sig"])
    try:
        keys.verify_province(keys.installed_bundle(session), signature.get("kid"), signature.get("value"),
                             files["inbox.json"])
    except SyncError:
        raise SyncError("bad_inbox_signature") from None
    content = canonical.loads(files["inbox.json"])
    if content.get("format") != FORMAT or not isinstance(content.get("rows"), dict):
        raise SyncError("not_an_inbox")
    if content.get("unit_code") != identity.unit_code(session) or sealed.header.get("unit_code") != content["unit_code"]:
        raise SyncError("wrong_inbox_unit", str(content.get("unit_code"))[:16])
    return content


def apply_inbox(session: Session, content: dict[str, Any]) -> InboxResult:
    """Take the rows this unit does not own, then re-derive the forwarded dossiers they touch."""
    here = local_code(session)
    out = InboxResult()
    known = tables.synced_tables()
    mine: set[str] = set()  # forwarded dossiers that concern this unit, present here after this file
    procedures = dict(session.execute(select(Procedure.code, Procedure.id).where(Procedure.deleted.is_(False))).all())
    for name in ORDER:
        table = known[name]
        snaps = content["rows"].get(name) or []
        if not isinstance(snaps, list):
            raise UserError(f"Hộp thư không hợp lệ: mục {name}.", field="file")
        for snap in snaps:
            try:
                values = tables.row_values(table, snap)
            except SyncError as exc:
                out.problems.append({"table": name, "id": str(snap.get("id"))[:36], "message": exc.message})
                continue
            if values.get("owner_unit") == here:
                continue  # this desk wrote it: its own copy is the truth
            if name == "dossier":
                _take_dossier(session, table, values, here, procedures, out, mine)
            elif values.get("dossier_id") in mine or _is_forwarded_here(session, values.get("dossier_id"), here):
                mine.add(values["dossier_id"])
                _take_child(session, table, values, out)
            else:
                out.problems.append({"table": name, "id": values["id"],
                                     "message": "Bản ghi không thuộc hồ sơ chuyển đến của đơn vị này."})
    out.dossiers = refold_local(session, mine)
    session.flush()
    return out


def _is_forwarded_here(session: Session, dossier_id: Any, here: str) -> bool:
    row = session.execute(select(Dossier.__table__).where(Dossier.id == str(dossier_id))).mappings().first()
    return row is not None and forwarded_between_units(row) and here in (
        row["resolver_code"], row["receiving_unit"] or row["owner_unit"])


def _take_dossier(session: Session, table: Table, values: dict[str, Any], here: str, procedures: dict[str, str],
                  out: InboxResult, mine: set[str]) -> None:
    receiver = values.get("receiving_unit") or values.get("owner_unit")
    if not forwarded_between_units(values) or here not in (values.get("resolver_code"), receiver):
        out.problems.append({"table": "dossier", "id": values["id"],
                             "message": "Hồ sơ không chuyển đến đơn vị này."})
        return
    if values.get("procedure_code") not in procedures:
        out.problems.append({"table": "dossier", "id": values["id"], "message": (
            f"Máy chưa có thủ tục {values.get('procedure_code')} trong danh mục; cập nhật danh mục rồi nhận lại.")})
        return
    values["procedure_id"] = procedures[values["procedure_code"]]  # each desk has its own catalogue rows
    stored = session.execute(select(table.c.version, table.c.peer_version).where(table.c.id == values["id"])).first()
    clash = session.scalar(select(table.c.id).where(table.c.code == values["code"], table.c.id != values["id"]))
    if clash is not None:
        out.problems.append({"table": "dossier", "id": values["id"],
                             "message": f"Mã hồ sơ {values['code']} trùng với một hồ sơ khác trên máy này."})
        return
    mine.add(values["id"])
    incoming = int(values["version"])
    if stored is None:
        session.execute(insert(table).values(**(values | {"peer_version": incoming})))
        out.applied += 1
    elif (stored.peer_version or 0) < incoming:
        session.execute(update(table).where(table.c.id == values["id"]).values(
            **{k: v for k, v in values.items() if k != "id"}
            | {"peer_version": incoming, "version": max(int(stored.version or 0), incoming)}))
        out.applied += 1
    else:
        out.unchanged += 1


def _take_child(session: Session, table: Table, values: dict[str, Any], out: InboxResult) -> None:
    stored = session.scalar(select(table.c.version).where(table.c.id == values["id"]))
    if stored is None:
        session.execute(insert(table).values(**values))
        out.applied += 1
    elif int(stored) < int(values["version"]):
        session.execute(update(table).where(table.c.id == values["id"]).values(
            **{k: v for k, v in values.items() if k != "id"}))
        out.applied += 1
    else:
        out.unchanged += 1


def refold_local(session: Session, dossier_ids: set[str]) -> int:
    """Re-derive each forwarded dossier's changing columns from all the events this desk holds."""
    table = Dossier.__table__
    events = DossierEvent.__table__
    for dossier_id in sorted(dossier_ids):
        timeline = session.execute(select(events).where(events.c.dossier_id == dossier_id,
                                                        events.c.deleted.is_(False))).mappings().all()
        values = {k: v for k, v in fold(timeline).items() if k in FOLDED}
        if values:
            session.execute(update(table).where(table.c.id == dossier_id).values(**values))
    return len(dossier_ids)


def apply_file(db: Any, data: bytes, *, officer: str | None = None) -> InboxResult:
    """Read and apply an inbox in one transaction: a bad file changes nothing."""
    with db.transaction(officer=officer) as session:
        return apply_inbox(session, read_inbox(session, data))


def pull(db: Any, url: str, *, officer: str | None = None, client: Any = None) -> dict[str, Any] | None:
    """Fetch this unit's inbox from the hub (a signed device request) and apply it; None when the hub has
    none for it (an older hub, or a device the hub cannot seal to yet)."""
    import httpx

    from desktop.sync.push import answer, api, device_signer
    from desktop.sync.request_auth import sign_headers

    signer = device_signer(db)
    target = "/api/v1/inbox"
    own = client is None
    client = client or httpx.Client(timeout=60.0)
    try:
        status, data, _ = answer(client, "GET", api(url, target), cap=DEFAULT_LIMITS.max_file_bytes,
                                 headers=sign_headers(signer[0], signer[1], "GET", target))
    except httpx.TransportError:
        return None
    finally:
        if own:
            client.close()
    return apply_file(db, data, officer=officer).as_json() if status == 200 else None
