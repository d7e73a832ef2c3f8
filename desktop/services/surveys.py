"""Satisfaction surveys: record answers (officer entry or kiosk), summaries, the 18-point evaluation.

Satisfaction rate = (rất hài lòng + hài lòng) / answers × 100, one decimal, ``None`` with no answers;
only per-dossier forms count. Answers keep the form id and version they were given on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from desktop.db.models_feedback import SurveyAnswer
from desktop.errors import PermissionDenied, UserError
from desktop.platform import clock
from desktop.rules import validation
from desktop.rules.survey_forms import (
    DEFAULT_FORM,
    MAX_TEXT,
    OVERALL,
    OVERALL_LABELS,
    OVERALL_VALUES,
    QUARTERLY_FORM,
    SurveyForm,
    get_form,
)
from desktop.rules.text import ascii_digits
from desktop.services import feedback_targets
from desktop.services.dossiers import get_dossier
from desktop.texts import LABELS

SOURCES = {"officer": LABELS["entered_by"], "kiosk": "Công dân tự đánh giá (kiosk)"}
LEADER_ROLES = ("leader", "admin")
NO_FIELD = "Không gắn hồ sơ"
# 18-point bands (one province's table): > 15 Xuất sắc; 12–15 Tốt; 9–<12 Khá; 6–<9 Trung bình; < 6 Yếu.
# The published ranges share their end points (12, 9, 6); a shared point goes to the better band,
# as "12–15 Tốt" includes both 12 and 15.
BANDS: tuple[tuple[float, str], ...] = ((12, "Tốt"), (9, "Khá"), (6, "Trung bình"))


def band(total: float) -> str:
    if total > 15:
        return "Xuất sắc"
    for floor, name in BANDS:
        if total >= floor:
            return name
    return "Yếu"


@dataclass(frozen=True)
class RecordedAnswer:
    id: str
    form_id: str
    form_version: int
    overall: str | None
    dossier_code: str | None
    answered_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "form_id": self.form_id, "form_version": self.form_version, "overall": self.overall,
                "overall_label": OVERALL_LABELS.get(self.overall or ""), "dossier_code": self.dossier_code,
                "answered_at": clock.iso(self.answered_at)}


def _clean_answers(form: SurveyForm, answers: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for qid, value in answers.items():
        question = form.question(qid)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if question.type == "text":
            out[qid] = validation.optional_text(str(value), question.text, qid, max_len=MAX_TEXT, multiline=True)
            continue
        allowed = question.allowed()
        if question.type == "score" and isinstance(value, str) and ascii_digits(value.strip()):
            value = int(value.strip())
        if value not in allowed or isinstance(value, bool):
            shown = ", ".join(str(v) for v in allowed)
            raise UserError(f"Câu '{question.text}': giá trị '{value}' không hợp lệ; chọn một trong: {shown}.",
                            field=qid)
        out[qid] = value
    for question in form.questions:
        if question.required and question.id not in out:
            raise UserError(f"Chưa trả lời câu bắt buộc: '{question.text}'.", field=question.id)
    return out


def record_answer(session: Session, answers: Mapping[str, Any], *, form_id: str = DEFAULT_FORM,
                  version: int | None = None, dossier_code: str | None = None, source: str = "officer",
                  at: datetime | None = None, comment: str | None = None) -> RecordedAnswer:
    """Save one questionnaire. ``officer`` on the row = who entered it or whose kiosk took it."""
    form = get_form(form_id, version)
    if source not in SOURCES:
        raise UserError("Nguồn phiếu phải là officer (cán bộ nhập) hoặc kiosk.", field="source")
    clean = _clean_answers(form, answers)
    note = validation.optional_text(comment, LABELS["feedback_comment"], "comment", max_len=MAX_TEXT,
                                    multiline=True) or clean.get("comment")
    moment = validation.moment(at)
    dossier = get_dossier(session, dossier_code) if dossier_code and dossier_code.strip() else None
    row = SurveyAnswer(
        form_id=form.id, form_version=form.version, answered_at=moment, source=source,
        officer=session.info.get("officer"), dossier_id=dossier.id if dossier else None,
        dossier_code=dossier.code if dossier else None, field_name=dossier.field_name if dossier else None,
        overall=clean.get(OVERALL) if form.kind == "per_dossier" else None, answers=clean, comment=note,
    )
    session.add(row)
    session.flush()
    return RecordedAnswer(row.id, row.form_id, row.form_version, row.overall, row.dossier_code, row.answered_at)


def _window(query: Select[Any], start: date, end: date, unit_codes: Sequence[str] | None) -> Select[Any]:
    low, high = clock.at(start, time()), clock.at(end + timedelta(days=1), time())
    query = query.where(SurveyAnswer.deleted.is_(False), SurveyAnswer.answered_at >= low,
                        SurveyAnswer.answered_at < high)
    if unit_codes:
        query = query.where(SurveyAnswer.owner_unit.in_(list(unit_codes)))
    return query


def _summary(counts: Mapping[str, int], target: float | None) -> dict[str, Any]:
    answers = sum(counts.get(v, 0) for v in OVERALL_VALUES)
    good = counts.get("rat_hai_long", 0) + counts.get("hai_long", 0)
    rate = round(100.0 * good / answers, 1) if answers else None
    return {"answers": answers, "very_satisfied": counts.get("rat_hai_long", 0),
            "satisfied": counts.get("hai_long", 0), "unsatisfied": counts.get("khong_hai_long", 0), "rate": rate,
            "target": target, "meets_target": None if rate is None or target is None else rate >= target}


def satisfaction_target(session: Session, year: int) -> float | None:
    return feedback_targets.target(feedback_targets.load(session), "satisfaction", "rate", year)


def _grouped(session: Session, start: date, end: date, column: Any,
             unit_codes: Sequence[str] | None) -> dict[Any, dict[str, int]]:
    """Counts of each overall level, per value of ``column`` (``None`` = one group keyed ``"all"``)."""
    keys = [column] if column is not None else []
    query = _window(select(*keys, SurveyAnswer.overall, func.count()), start, end, unit_codes)
    query = query.where(SurveyAnswer.overall.is_not(None)).group_by(*keys, SurveyAnswer.overall)
    out: dict[Any, dict[str, int]] = {}
    for row in session.execute(query):
        key = row[0] if column is not None else "all"
        out.setdefault(key, {})[row[-2]] = int(row[-1])
    return out


def satisfaction(session: Session, start: date, end: date, *, unit_codes: Sequence[str] | None = None,
                 with_target: bool = True) -> dict[str, Any]:
    """Answers, the three levels and the rate over the window, against the target of ``end``'s year
    (``with_target=False``: counts only, e.g. at the hub, which has no desk settings)."""
    counts = _grouped(session, start, end, None, unit_codes).get("all", {})
    return _summary(counts, satisfaction_target(session, end.year) if with_target else None)


def satisfaction_by_field(session: Session, start: date, end: date, *, unit_codes: Sequence[str] | None = None,
                          with_target: bool = True) -> list[dict[str, Any]]:
    target = satisfaction_target(session, end.year) if with_target else None
    grouped = _grouped(session, start, end, SurveyAnswer.field_name, unit_codes)
    return [{"field": name or NO_FIELD} | _summary(c, target)
            for name, c in sorted(grouped.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))]


def satisfaction_by_officer(session: Session, start: date, end: date, *, role: str,
                            unit_codes: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Per officer: only leaders (and admins) may see it — the role of the viewer is checked here."""
    if role not in LEADER_ROLES:
        raise PermissionDenied("Chỉ lãnh đạo mới xem được kết quả khảo sát theo từng cán bộ.", field="role")
    target = satisfaction_target(session, end.year)
    grouped = _grouped(session, start, end, SurveyAnswer.officer, unit_codes)
    return [{"officer": name or "—"} | _summary(c, target)
            for name, c in sorted(grouped.items(), key=lambda kv: kv[0] or "")]


def comments(session: Session, start: date, end: date, *, limit: int = 500,
             unit_codes: Sequence[str] | None = None) -> list[dict[str, Any]]:
    query = _window(select(SurveyAnswer.answered_at, SurveyAnswer.comment, SurveyAnswer.overall,
                           SurveyAnswer.dossier_code, SurveyAnswer.field_name, SurveyAnswer.source),
                    start, end, unit_codes)
    query = query.where(SurveyAnswer.comment.is_not(None)).order_by(SurveyAnswer.answered_at.desc()).limit(limit)
    return [{"answered_at": clock.iso(at), "comment": text, "overall": overall,
             "overall_label": OVERALL_LABELS.get(overall or ""), "dossier_code": code, "field": field_name,
             "source": source} for at, text, overall, code, field_name, source in session.execute(query)]


def quarterly_evaluation(session: Session, start: date, end: date, *, form_id: str = QUARTERLY_FORM,
                         unit_codes: Sequence[str] | None = None) -> dict[str, Any]:
    """The 9-indicator table: each indicator's average points over the answers that scored it,
    total = sum of the averages (an indicator nobody scored counts 0 and is listed), and the band."""
    form = get_form(form_id)
    query = _window(select(SurveyAnswer.answers), start, end, unit_codes).where(SurveyAnswer.form_id == form_id)
    rows = [answers for (answers,) in session.execute(query)]
    indicators = []
    total = 0.0
    for question in (q for q in form.questions if q.type == "score"):
        scores = [float(r[question.id]) for r in rows if isinstance(r.get(question.id), (int, float))]
        average = round(sum(scores) / len(scores), 2) if scores else None
        total += average or 0.0
        indicators.append({"id": question.id, "text": question.text, "max": max(question.allowed()),
                           "answers": len(scores), "average": average})
    total = round(total, 2)
    return {"form_id": form.id, "form_version": form.version, "answers": len(rows), "indicators": indicators,
            "max_total": sum(i["max"] for i in indicators), "total": total if rows else None,
            "band": band(total) if rows else None,
            "unanswered_indicators": [i["id"] for i in indicators if i["average"] is None]}


def last_returned_dossier(session: Session, *, officer: str | None = None) -> tuple[str, str] | None:
    """The dossier whose result was handed back most recently today (for the kiosk's next answer).

    With ``officer``, only a dossier that officer received or handled, so two counters sharing a
    database each get their own citizen.
    """
    from desktop.db.models import Dossier

    today = clock.today()
    query = select(Dossier.code, Dossier.applicant_name).where(
        Dossier.deleted.is_(False), Dossier.returned_at.is_not(None),
        Dossier.returned_at >= clock.at(today, time()))
    if officer:
        query = query.where((Dossier.received_by == officer) | (Dossier.handler == officer))
    row = session.execute(query.order_by(Dossier.returned_at.desc()).limit(1)).first()
    return (row[0], row[1]) if row else None
