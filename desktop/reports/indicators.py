"""Dashboard (Tổng quan) numbers for a period against configurable targets, as plain JSON.

Sections live in :data:`INDICATOR_SECTIONS` (name -> ``function(session, period) -> dict``), all
over the periodic report's window. The digitisation, satisfaction and waiting sections of issue #4
(:mod:`desktop.reports.feedback_sections`) are registered at the bottom of this module, so they are
present whoever imports it first; they are also copied to the top level of the JSON. Their shapes
(rates in percent, as issue #4's contract says; targets of the window's end year):

* ``"digitisation"``: ``{"received", "with_digitised_components", ..., "component_rate", "reuse_rate",
  "result_rate", "targets": {"component_rate", "reuse_rate", "result_rate"}}``;
* ``"satisfaction"``: ``{"answers", "very_satisfied", "satisfied", "unsatisfied", "rate", "target"}``;
* ``"waiting"``: ``{"tickets", "served", "avg_minutes", "p90_minutes", "target_minutes", "queue_now"}``.

Rates of this module (progress, target rows, trend) are fractions 0..1.

The Decision-766-style block is a *self-assessment* from local proxies, never the official score.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta
from typing import Any

from sqlalchemy import and_, distinct, exists, func, select
from sqlalchemy.orm import Session

from desktop.formatting import decimal, number, percent
from desktop.platform import clock
from desktop.db.models import Dossier, DossierComponent
from desktop.rules.lifecycle import CLOCK_RUNNING, OPEN_STATES, Status
from desktop.reports import feedback_sections
from desktop.reports.digitisation import counted_once, window_number
from desktop.reports.periodic import _count, _moment, on_behalf, periodic_report, resolution_moment
from desktop.reports.indicator_entries import catalogue_entries, catalogue_outlook, with_catalogue_outlook
from desktop.reports.periods import Period, parse_period, period_containing
from desktop.reports.targets import load_targets, productivity_target
from desktop.services import queue, resolvers, surveys
from desktop.texts import LABELS

Section = Callable[[Session, Period], dict[str, Any]]

SELF_ASSESSMENT_NOTE = (
    "Tự đánh giá theo cách tính gần đúng từ dữ liệu tại xã (tham khảo Quyết định 766/QĐ-TTg), "
    "không phải điểm chính thức."
)


def _rate(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def today_section(session: Session, period: Period) -> dict[str, Any]:
    """Now, whatever the period: received today, due today, overdue now, awaiting a supplement."""
    now = clock.now()
    day_start = clock.at(now.date(), time(0))
    day_end = day_start + timedelta(days=1)
    open_states = [s.value for s in OPEN_STATES]
    live = and_(Dossier.deleted.is_(False), Dossier.status != Status.REFUSED.value)
    count = lambda *cond: int(session.scalar(select(func.count()).select_from(Dossier).where(live, *cond)) or 0)
    received_today = count(Dossier.received_at >= _moment(day_start), Dossier.received_at < _moment(day_end))
    due_today = count(Dossier.status.in_(open_states), Dossier.due_at >= _moment(day_start),
                      Dossier.due_at < _moment(day_end))
    overdue_now = count(Dossier.status.in_([s.value for s in CLOCK_RUNNING]),
                        Dossier.due_at < _moment(now))
    awaiting = count(Dossier.status == Status.AWAITING_SUPPLEMENT.value)
    in_progress = count(Dossier.status.in_(open_states))
    waiting = feedback_sections.SECTIONS["waiting"](session, now.date(), now.date())
    return {"date": now.date().isoformat(), "received_today": received_today, "due_today": due_today,
            "overdue_now": overdue_now, "awaiting_supplement": awaiting, "open": in_progress,
            "waiting_queue": waiting["queue_now"], "tickets_today": waiting["tickets"],
            "waiting_avg_minutes": waiting["avg_minutes"], "waiting_p90_minutes": waiting["p90_minutes"]}


def _report(session: Session, period: Period) -> dict[str, Any]:
    """The period's Biểu 06, computed once while one ``indicators`` call runs (its sections and the
    catalogue both read it; it is the heaviest query of the page)."""
    memo = session.info.get(_REPORTS)
    if memo is None:
        return periodic_report(session, period)
    key = (period.label, period.calendar)
    if key not in memo:
        memo[key] = periodic_report(session, period)
    return memo[key]


_REPORTS = "_indicator_periodic_reports"


def progress_section(session: Session, period: Period) -> dict[str, Any]:
    total = _report(session, period)["total"]
    resolved = total["resolved"]
    received = total["received"]
    new = received["new_online"] + received["new_direct_postal"]
    return {
        "received": received["total"], "received_new": new, "new_online": received["new_online"],
        "resolved": resolved["total"], "early": resolved["early"], "on_time": resolved["on_time"],
        "late": resolved["late"], "withdrawn": resolved["withdrawn"],
        "in_progress": total["in_progress"]["total"], "overdue": total["in_progress"]["overdue"],
        "on_time_rate": _rate(resolved["early"] + resolved["on_time"], resolved["total"]),
        "early_share": _rate(resolved["early"], resolved["total"]),
        "online_share": _rate(received["new_online"], new),
    }


def productivity_section(session: Session, period: Period) -> dict[str, Any]:
    """Results recorded in the period per officer who handled one, annualised over the window's days."""
    start, end = period.bounds()
    where = [Dossier.deleted.is_(False), Dossier.result_at >= _moment(start), Dossier.result_at < _moment(end),
             resolvers.resolved_here(session)]  # issue #15: results this unit decided
    results = int(session.scalar(select(func.count()).select_from(Dossier).where(*where)) or 0)
    handlers = int(session.scalar(select(func.count(distinct(Dossier.handler))).where(*where,
                                                                                      Dossier.handler.is_not(None))) or 0)
    days = (period.end - period.start).days + 1
    per_officer = results / handlers if handlers else None
    return {"results": results, "officers": handlers, "days": days,
            "per_officer": round(per_officer, 1) if per_officer is not None else None,
            "per_officer_annualised": round(per_officer * 365 / days, 1) if per_officer is not None else None}


def _fraction(percent: float | None) -> float | None:
    """Issue #4's percentages as this module's 0..1 fractions."""
    return None if percent is None else round(percent / 100, 4)


def _monthly_dossier_counts(session: Session, months: list[Period]) -> list[dict[str, int]]:
    """Per month: new received, resolved, late (as Biểu 06 cols 4+5, 7, 10) and new received with a
    digitised component (the tracker's), in two grouped passes over the dossiers of the whole span (one by
    reception month, one by resolution month) — twelve report aggregates would each scan the table."""
    res = resolution_moment()
    highs = [_moment(month.bounds()[1]) for month in months]
    low = _moment(months[0].bounds()[0])
    digitised = exists(select(DossierComponent.id).where(
        DossierComponent.dossier_id == Dossier.id, DossierComponent.deleted.is_(False),
        DossierComponent.digitised.is_(True)))
    scope = (Dossier.deleted.is_(False), Dossier.status != Status.REFUSED.value,
             resolvers.resolved_here(session))  # as Biểu 06: what this unit resolves (issue #15)
    out = [dict.fromkeys(("received", "resolved", "late", "digitised"), 0) for _ in months]
    for moment, names, columns in ((Dossier.received_at, ("received", "digitised"), (func.count(), _count(digitised))),
                                   (res, ("resolved", "late"), (func.count(), _count(res > Dossier.due_at)))):
        window = window_number(moment, highs)
        query = select(*window, *columns).where(*scope, moment.is_not(None), moment >= low, moment < highs[-1])
        for row in session.execute(query.group_by(*window)):
            number = int(row[0]) if window else 0
            for name, value in zip(names, row[len(window):], strict=True):
                out[number][name] = int(value or 0)
    return out


def _light_totals(session: Session, month: Period, dossiers: dict[str, int]) -> dict[str, Any]:
    received, resolved, late = dossiers["received"], dossiers["resolved"], dossiers["late"]
    satisfaction = surveys.satisfaction(session, month.start, month.end)
    waiting = queue.waiting_stats(session, month.start, month.end)
    return {"received": received, "resolved": resolved, "late": late,
            "on_time_rate": _rate(resolved - late, resolved),
            "digitisation_rate": _rate(dossiers["digitised"], received),
            "satisfaction_rate": _fraction(satisfaction["rate"]), "survey_answers": satisfaction["answers"],
            "waiting_avg_minutes": waiting["avg_minutes"], "waiting_p90_minutes": waiting["p90_minutes"]}


def trend_section(session: Session, period: Period) -> dict[str, Any]:
    """Per month, the 12 months ending with the period's last month: received (new) / resolved / late,
    on-time, digitisation and satisfaction rates (0..1) and waiting minutes."""
    last = period_containing(period.end, "month", calendar=period.calendar)
    months = [last]
    while len(months) < 12:
        months.append(months[-1].previous())
    months.reverse()
    counted = _monthly_dossier_counts(session, months)
    return {"months": [{"label": month.label, "start": month.start.isoformat(), "end": month.end.isoformat(),
                        **_light_totals(session, month, dossiers)} for month, dossiers in zip(months, counted,
                                                                                              strict=True)]}


def on_behalf_section(session: Session, period: Period) -> dict[str, int]:
    """What this unit received for other bodies in the period (issue #15), beside what it resolves (the
    period's Biểu 06 holds the same counts when it is this unit's)."""
    code = resolvers.local_code(session) or None
    report = _report(session, period)
    return report["on_behalf"] if code == report["unit"]["code"] else on_behalf(session, period, code)


OUTLOOK_SECTIONS = ("trend",)  # read after the period's figures (Tổng quan's second read)
INDICATOR_SECTIONS: dict[str, Section] = {
    "today": today_section,
    "progress": progress_section,
    "productivity": productivity_section,
    "trend": trend_section,
    "on_behalf": on_behalf_section,
    **feedback_sections.PERIOD_SECTIONS,
}


def _target_row(key: str, label: str, value: float | None, *, minimum: float | None = None,
                maximum: float | None = None, formula: str, unit: str = "%") -> dict[str, Any]:
    def show(v: float) -> str:
        if unit == "%":
            return percent(v * 100)
        if unit == "phút":
            return decimal(v).removesuffix(",0") + " phút"
        return number(v) + (f" {unit}" if unit else "")

    if minimum is not None:
        target_text, met = f"≥ {show(minimum)}", (None if value is None else value >= minimum)
    elif maximum is not None:
        target_text, met = f"≤ {show(maximum)}", (None if value is None else value <= maximum)
    else:
        target_text, met = "không đặt chỉ tiêu", None
    status = "chưa có dữ liệu" if value is None else ("đạt" if met else "chưa đạt" if met is False else "theo dõi")
    return {"key": key, "label": label, "value": value, "value_text": "—" if value is None else show(value),
            "target": minimum if minimum is not None else maximum,
            "comparison": "min" if minimum is not None else "max" if maximum is not None else None,
            "target_text": target_text, "met": met, "status_text": status, "formula": formula}


def _targets(sections: dict[str, dict[str, Any]], targets: dict[str, Any]) -> list[dict[str, Any]]:
    progress = sections["progress"]
    rows = [
        _target_row("on_time_rate", "Tỷ lệ giải quyết đúng hạn", progress["on_time_rate"],
                    minimum=targets["on_time_rate"]["min"],
                    formula="(trước hạn + đúng hạn) / số hồ sơ đã giải quyết trong kỳ"),
        _target_row("early_share", "Tỷ lệ giải quyết trước hạn", progress["early_share"],
                    minimum=targets["early_share"].get("min"), formula="trước hạn / số hồ sơ đã giải quyết"),
        _target_row("online_share", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", progress["online_share"],
                    minimum=targets["online_share"]["min"],
                    formula="hồ sơ mới nhận trực tuyến / hồ sơ mới nhận trong kỳ"),
        _target_row("productivity", "Năng suất bình quân một cán bộ (quy ra năm)",
                    sections["productivity"]["per_officer_annualised"], minimum=productivity_target(targets),
                    unit="hồ sơ/năm",
                    formula="số kết quả trong kỳ / số cán bộ xử lý × 365 / số ngày của kỳ"),
    ]
    digitisation = sections.get("digitisation")
    if digitisation is not None:
        goals = digitisation.get("targets") or {}
        rows.append(_target_row("digitisation_rate", "Tỷ lệ hồ sơ có thành phần được số hóa",
                                _fraction(digitisation.get("component_rate")),
                                minimum=_fraction(goals.get("component_rate")),
                                formula="hồ sơ mới tiếp nhận có thành phần được số hóa / hồ sơ mới tiếp nhận"))
        rows.append(_target_row("reuse_rate", "Tỷ lệ hồ sơ tái sử dụng dữ liệu đã số hóa",
                                _fraction(digitisation.get("reuse_rate")), minimum=_fraction(goals.get("reuse_rate")),
                                formula="hồ sơ mới tiếp nhận có thành phần dùng lại (giấy tờ đã số hóa hoặc "
                                        "Cổng DVC quốc gia) / hồ sơ mới tiếp nhận"))
        rows.append(_target_row("result_digitised_rate", "Tỷ lệ kết quả được số hóa",
                                _fraction(digitisation.get("result_rate")),
                                minimum=_fraction(goals.get("result_rate")),
                                formula="kết quả được số hóa / hồ sơ có kết quả trong kỳ"))
    satisfaction = sections.get("satisfaction")
    if satisfaction is not None:
        rows.append(_target_row("satisfaction_rate", "Tỷ lệ hài lòng", _fraction(satisfaction.get("rate")),
                                minimum=_fraction(satisfaction.get("target")),
                                formula="(rất hài lòng + hài lòng) / số phiếu trả lời"))
    waiting = sections.get("waiting")
    if waiting is not None:
        rows.append(_target_row("waiting_minutes", "Thời gian chờ bình quân", waiting.get("avg_minutes"),
                                maximum=waiting.get("target_minutes"), unit="phút",
                                formula="bình quân (giờ được gọi − giờ lấy số) của các lượt đã phục vụ"))
        rows.append(_target_row("waiting_p90_minutes", "Thời gian chờ của 90% lượt khách",
                                waiting.get("p90_minutes"), maximum=waiting.get("target_minutes"), unit="phút",
                                formula="phân vị 90 (thứ hạng gần nhất) của thời gian chờ các lượt đã phục vụ"))
    return rows


def _points(value: float | None, weight: float) -> float | None:
    return None if value is None else round(weight * value, 2)


def self_assessment(sections: dict[str, dict[str, Any]], entries: list[dict[str, Any]] | None = None
                    ) -> dict[str, Any]:
    """Decision 766 groups with local proxies; groups that need province data stay uncomputed. Online
    payment is computed from the payment method recorded at the desk (the catalogue's ``online_payment``)."""
    progress = sections["progress"]
    digitisation = sections.get("digitisation") or {}
    satisfaction = sections.get("satisfaction") or {}
    payment = next((e for e in entries or [] if e["id"] == "online_payment"), None)
    paid = payment is not None and payment["value"] is not None
    groups = [
        {"key": "transparency", "label": "Công khai, minh bạch", "max": 18, "points": None,
         "formula": "không tính được ở cấp xã (cần dữ liệu công khai, đồng bộ trên Cổng dịch vụ công)"},
        {"key": "progress", "label": "Tiến độ, kết quả giải quyết", "max": 20,
         "points": _points(progress["on_time_rate"], 20), "formula": "20 × tỷ lệ đúng hạn"},
        {"key": "digitisation", "label": "Số hóa hồ sơ", "max": 22,
         "points": _points(_fraction(digitisation.get("component_rate")), 22),
         "formula": "22 × tỷ lệ hồ sơ được số hóa" if "digitisation" in sections
         else "chưa có dữ liệu số hóa"},
        {"key": "online_service", "label": "Cung cấp dịch vụ trực tuyến", "max": 12,
         "points": _points(progress["online_share"], 12), "formula": "12 × tỷ lệ tiếp nhận trực tuyến"},
        {"key": "online_payment", "label": "Thanh toán trực tuyến", "max": 10,
         "points": _points(payment["value"] / 100, 10) if paid else None,
         "formula": (f"10 × tỷ lệ hồ sơ nộp phí trực tuyến ({payment['numerator']}/{payment['denominator']})"
                     if paid else "chưa có hồ sơ ghi hình thức nộp phí trong kỳ")},
        {"key": "satisfaction", "label": LABELS["satisfaction_level"], "max": 18,
         "points": _points(_fraction(satisfaction.get("rate")), 18),
         "formula": "18 × tỷ lệ hài lòng" if "satisfaction" in sections else "chưa có dữ liệu khảo sát"},
    ]
    computed = [g for g in groups if g["points"] is not None]
    points = round(sum(g["points"] for g in computed), 2)
    possible = sum(g["max"] for g in computed)
    return {"note": SELF_ASSESSMENT_NOTE, "is_self_assessment": True, "groups": groups, "points": points,
            "max_points": possible, "ratio": _rate(points, possible)}


def indicators(session: Session, period: Period, *, sections: dict[str, Section] | None = None,
               outlook: bool = True) -> dict[str, Any]:
    """The page's JSON; without the ``outlook`` (the trend, the previous period, the year so far: Tổng quan's
    second read, :func:`indicator_outlook`), "trend" is empty and the catalogue has no previous or forecast."""
    registry = INDICATOR_SECTIONS if sections is None else sections
    if not outlook:
        registry = {name: fn for name, fn in registry.items() if name not in OUTLOOK_SECTIONS}
    targets = load_targets(session)
    session.info[_REPORTS] = {}
    try:
        with counted_once(session):  # the period's digitisation counts serve two sections
            computed = {name: fn(session, period) for name, fn in registry.items()}
            report = _report(session, period)
            entries = catalogue_entries(session, period, totals=report["total"], with_outlook=outlook)
    finally:
        session.info.pop(_REPORTS, None)
    report_unit = report["unit"] if "progress" not in computed else None
    from desktop.services.desk import local_unit

    unit = local_unit(session)
    return {
        "unit": report_unit or {"code": unit.code, "name": unit.name},
        "period": period.as_json(),
        "period_title": period.title,
        "generated_at": clock.iso(clock.now()),
        "today": computed.get("today"),
        "sections": computed,
        "digitisation": computed.get("digitisation"),
        "satisfaction": computed.get("satisfaction"),
        "waiting": computed.get("waiting"),
        "targets": _targets(computed, targets),
        "trend": (computed.get("trend") or {}).get("months", []),
        "self_assessment": self_assessment(computed, entries),
        "indicators": entries,
    }


def indicator_outlook(session: Session, period: Period) -> dict[str, Any]:
    """Tổng quan's second read: the 12-month trend and the catalogue's outlook, for :func:`with_outlook`."""
    with counted_once(session):
        return {"trend": trend_section(session, period), "catalogue": catalogue_outlook(session, period)}


def with_outlook(data: dict[str, Any], outlook: dict[str, Any]) -> dict[str, Any]:
    """``indicators(..., outlook=False)`` completed by :func:`indicator_outlook`: what ``indicators`` gives."""
    return data | {"sections": data["sections"] | {"trend": outlook["trend"]}, "trend": outlook["trend"]["months"],
                   "indicators": with_catalogue_outlook(data["indicators"], outlook["catalogue"])}


__all__ = ["INDICATOR_SECTIONS", "Section", "indicator_outlook", "indicators", "with_outlook", "parse_period", "self_assessment"]
