"""Demo rows for issue #4: digitised results and reuse on demo dossiers, survey answers, queue tickets.

Bulk Core writes (with change-log rows), deterministic for a seed, a fraction of a second for the
3,000-dossier quick-start database.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop import settings
from desktop.platform import clock
from desktop.db.audit import append_inserted, update_audited
from desktop.db.models import ChangeLog, Dossier, DossierComponent
from desktop.db.models_feedback import QueueTicket, SurveyAnswer
from desktop.rules.lifecycle import Status
from desktop.services.desk import get_setting, local_unit
from desktop.rules.survey_forms import DEFAULT_FORM, QUARTERLY_FORM, get_form

COMMENTS = ["Cán bộ hướng dẫn tận tình, dễ hiểu.", "Nên bố trí thêm ghế ngồi chờ.", "Trả kết quả đúng hẹn, cảm ơn.",
            "Thời gian chờ hơi lâu vào buổi sáng.", "Mong có thêm hướng dẫn nộp hồ sơ trực tuyến."]


def add_demo_rows(session: Session, *, seed: int = 7) -> None:
    rng = random.Random(seed)
    unit = local_unit(session).code
    epoch = get_setting(session, settings.EPOCH.key) or ""
    now = clock.now()
    # digitised results and reused components: a deterministic share by id (uuid hex digits)
    # (bulk updates that still leave their audit entries: demo rows go through the same audit path)
    dossier, component = Dossier.__table__, DossierComponent.__table__
    update_audited(session, dossier, list(session.scalars(select(Dossier.id).where(  # generate() left all False
        Dossier.result_at.is_not(None), Dossier.status != Status.REFUSED, Dossier.id < "b"))),
        result_digitised=True, result_digitised_at=dossier.c.result_at)
    update_audited(session, component, list(session.scalars(select(DossierComponent.id).where(
        DossierComponent.digitised.is_(True), DossierComponent.id < "3"))), national_portal=True)
    rows = session.execute(
        select(Dossier.id, Dossier.code, Dossier.field_name, Dossier.channel, Dossier.received_at, Dossier.returned_at)
        .where(Dossier.status != Status.REFUSED, Dossier.received_at >= now - timedelta(days=200))
        .order_by(Dossier.received_at)).all()
    answers: list[dict] = []
    tickets: list[dict] = []
    per_day: dict[object, list[tuple[datetime, datetime, str, str]]] = {}
    levels = ["rat_hai_long", "hai_long", "khong_hai_long"]
    for dossier_id, code, field_name, channel, received_at, returned_at in rows:
        if returned_at is not None and rng.random() < 0.35:
            overall = rng.choices(levels, weights=[55, 38, 7])[0]
            answer = {"overall": overall, "can_bo": rng.choices(levels, weights=[60, 35, 5])[0]}
            comment = rng.choice(COMMENTS) if rng.random() < 0.12 else None
            if comment:
                answer["comment"] = comment
            answers.append(dict(form_id=DEFAULT_FORM, form_version=get_form(DEFAULT_FORM).version,
                                answered_at=returned_at, source=rng.choice(["officer", "kiosk"]), officer="canbo",
                                dossier_id=dossier_id, dossier_code=code, field_name=field_name, overall=overall,
                                answers=answer, comment=comment))
        if channel == "direct" and received_at >= now - timedelta(days=75):
            wait = timedelta(minutes=max(1, int(rng.gammavariate(2.0, 6.0))))
            called = received_at - timedelta(minutes=1)
            per_day.setdefault(received_at.date(), []).append((called - wait, called, dossier_id, code))
    quarterly = get_form(QUARTERLY_FORM)
    for index in range(24):
        moment = now - timedelta(days=index * 7 + 1)
        scores = {q.id: rng.choices([2, 1, 0], weights=[70, 25, 5])[0] for q in quarterly.questions if q.type == "score"}
        answers.append(dict(form_id=quarterly.id, form_version=quarterly.version, answered_at=moment, source="officer",
                            officer="canbo", dossier_id=None, dossier_code=None, field_name=None, overall=None,
                            answers=scores, comment=None))
    for day, items in per_day.items():
        for number, (arrived, called, dossier_id, code) in enumerate(sorted(items), 1):
            tickets.append(dict(day=day, number=number, arrived_at=arrived, called_at=called, called_by="canbo",
                                dossier_id=dossier_id, dossier_code=code))
    for table, batch in ((SurveyAnswer.__table__, answers), (QueueTicket.__table__, tickets)):
        if not batch:
            continue
        for row in batch:
            row.update(id=str(uuid.uuid4()), owner_unit=unit, version=1, updated_at=now, deleted=False)
        session.execute(table.insert(), batch)
        session.execute(ChangeLog.__table__.insert(), [
            dict(epoch=epoch, table_name=table.name, record_id=row["id"], version=1, op="upsert", at=now,
                 officer="demo") for row in batch])
        append_inserted(session, table, [row["id"] for row in batch])
    session.flush()
