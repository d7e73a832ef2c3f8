"""How many refusals of unverified pushes the hub writes down per minute.

A push refused at its acknowledgement keeps no bytes (``importer._refused``), but each one still adds a
quarantine row and an audit row. Anyone on the network can send a well-formed header naming a random
device, so without a cap a flood of such pushes grows the hub's database without end (about 1 KB a
request). Past the cap in any minute the refusal is still answered and logged, just not recorded: the
rows of the first pushes of a flood, and every honest desk's occasional refusal, are still there."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from desktop.platform import clock
from province.models import HubQuarantine

UNKEPT_PER_MINUTE = 60
UNKEPT = HubQuarantine.stored_as == ""  # a refusal recorded without its bytes


def room(session: Any) -> bool:
    """Whether one more unverified refusal may be recorded now (a soft cap: parallel pushes may pass it by
    the number of pushes in flight)."""
    since = clock.now() - timedelta(minutes=1)
    recent = session.scalar(select(func.count()).select_from(HubQuarantine)
                            .where(HubQuarantine.refused_at >= since, UNKEPT))
    return (recent or 0) < UNKEPT_PER_MINUTE
