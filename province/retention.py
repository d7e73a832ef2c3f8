"""How long the hub keeps the traces of refusals that nobody will read again.

A refusal at the acknowledgement keeps no bytes, but a quarantine row and an audit row (about 1 KB each);
``refusal_rate`` caps them at 60 a minute, which still grows the database by gigabytes a year under a
flood that never stops. A batch the applier refuses keeps its ``hub_intake`` row (the signed refusal, for
the desk's poll), and an enrolled desk can push as many of those as it can sign. After
``MOTCUA_HUB_REFUSAL_DAYS`` (default 30) days they are deleted by the apply-workers, at most once an hour
each. What an operator may still need is kept: refused files whose bytes are in the quarantine folder
(a person brought them, or an enrolled desk within its queue cap sent them) and their audit rows, and
every applied batch. Failed log-ins go once they no longer count (``auth.FAILURE_WINDOW``): one row per
guess, for names that exist or not, at whatever rate a client sends them."""

from __future__ import annotations

import logging
import os
import time
from datetime import datetime, timedelta

from sqlalchemy import delete

from desktop.errors import UserError
from desktop.platform import clock
from desktop.rules.text import ascii_digits
from province import refusal_rate
from province.db import Hub
from province.auth import FAILURE_WINDOW
from province.models import HubImportAudit, HubIntake, HubLoginFailure, HubQuarantine

log = logging.getLogger("province.retention")
DAYS_ENV = "MOTCUA_HUB_REFUSAL_DAYS"
DEFAULT_DAYS = 30
EVERY_SECONDS = 3600.0


def refusal_days() -> int:
    raw = os.environ.get(DAYS_ENV, "").strip()
    if not raw:
        return DEFAULT_DAYS
    if not ascii_digits(raw) or not 1 <= int(raw) <= 3650:
        raise UserError(f"{DAYS_ENV} phải là số ngày từ 1 đến 3650, không phải {raw[:20]!r}.")
    return int(raw)


def forget_refusals(hub: Hub, *, now: datetime | None = None) -> dict[str, int]:
    """Delete, in one transaction, the traces of refusals older than the retention: rows per table."""
    days, now = refusal_days(), now or clock.now()
    cutoff = now - timedelta(days=days)
    unkept = HubImportAudit.detail["bytes_kept"].as_boolean().is_(False)
    statements = {
        "hub_quarantine": delete(HubQuarantine).where(refusal_rate.UNKEPT, HubQuarantine.refused_at < cutoff),
        "hub_import_audit": delete(HubImportAudit).where(HubImportAudit.status == "refused",
                                                         HubImportAudit.at < cutoff, unkept),
        "hub_intake": delete(HubIntake).where(HubIntake.state == "refused", HubIntake.received_at < cutoff),
        # a failed log-in counts only inside the lock-out window; names nobody holds were never deleted
        # (review 13: one row per guess, at whatever rate a client can send them)
        "hub_login_failure": delete(HubLoginFailure).where(HubLoginFailure.at < now - FAILURE_WINDOW),
    }
    with hub.transaction() as session:
        gone = {name: session.execute(statement).rowcount or 0 for name, statement in statements.items()}
    if any(gone.values()):
        log.info("đã xóa dấu vết các lần từ chối cũ hơn %d ngày: %s", days, gone)
    return gone


class Sweeper:
    """At most one ``forget_refusals`` an ``EVERY_SECONDS`` in this process (the first one at start)."""

    def __init__(self, hub: Hub, every: float = EVERY_SECONDS) -> None:
        self.hub, self.every, self._next = hub, every, 0.0

    def maybe(self) -> dict[str, int] | None:
        if time.monotonic() < self._next:
            return None
        self._next = time.monotonic() + self.every
        return forget_refusals(self.hub)
