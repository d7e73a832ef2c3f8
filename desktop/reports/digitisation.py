"""The Decision-766-style digitisation tracker (domain.md §7), by field and in total.

Over an inclusive window of whole days (Asia/Ho_Chi_Minh):
- received: dossiers received in the window (refused ones never count);
- with / without digitised components: received dossiers with at least one digitised component;
- with reused components: received dossiers with at least one component reused — from an earlier
  digitised document or from the national portal; reused_from_national_portal: the portal subset;
- resolved: dossiers whose result was recorded in the window; results digitised / not among them.
Rates are percentages with one decimal (``None`` when the denominator is 0): digitisation and reuse
over received, result digitisation over resolved.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from desktop.platform import clock

from desktop.services import feedback_targets
from desktop.db.models import Dossier, DossierComponent, Field
from desktop.rules.lifecycle import Status

COUNT_KEYS = ("received", "with_digitised_components", "without_digitised_components", "with_reused_components",
              "reused_from_national_portal", "resolved", "results_digitised", "results_not_digitised")
NO_FIELD = "Khác"


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return clock.at(start, time()), clock.at(end + timedelta(days=1), time())


def _component_exists(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists(select(DossierComponent.id).where(
        DossierComponent.dossier_id == Dossier.id, DossierComponent.deleted.is_(False), *conditions))


def rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def with_rates(counts: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = dict(counts)
    out["component_rate"] = rate(counts["with_digitised_components"], counts["received"])
    out["reuse_rate"] = rate(counts["with_reused_components"], counts["received"])
    out["national_portal_rate"] = rate(counts["reused_from_national_portal"], counts["received"])
    out["result_rate"] = rate(counts["results_digitised"], counts["resolved"])
    return out


Tally = dict[tuple[str, int], dict[str, int]]  # (field, window number) -> the counts of COUNT_KEYS
_MEMO = "_digitisation_tallies"


def component_flags() -> tuple[ColumnElement[bool], ColumnElement[bool], ColumnElement[bool]]:
    """A dossier with a digitised component; with a reused one (another dossier's or the national portal's);
    with one from the national portal."""
    return (_component_exists(DossierComponent.digitised.is_(True)),
            _component_exists(or_(DossierComponent.reused_from_id.is_not(None),
                                  DossierComponent.national_portal.is_(True))),
            _component_exists(DossierComponent.national_portal.is_(True)))


def count_where(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


@contextmanager
def counted_once(session: Session) -> Iterator[None]:
    """While one read runs, a window's counts are read once however many sections ask for them (Tổng quan
    asks for the period's twice, Số hóa's forecast for the year its table already counted)."""
    outer = _MEMO in session.info
    session.info.setdefault(_MEMO, {})
    try:
        yield
    finally:
        if not outer:
            session.info.pop(_MEMO, None)


def window_number(column: ColumnElement[Any], highs: Sequence[Any]) -> list[ColumnElement[Any]]:
    """Which of the consecutive windows ending at ``highs`` a moment falls in (the query keeps it in range);
    nothing to group by for one window."""
    if len(highs) == 1:
        return []
    return [case(*[(column < high, number) for number, high in enumerate(highs[:-1])], else_=len(highs) - 1)]


def _tally(session: Session, windows: Sequence[tuple[date, date]], unit_codes: Sequence[str] | None) -> Tally:
    """The counts per field and per window over consecutive windows of whole days, in two grouped passes
    (one over the dossiers received in the span, one over those resolved in it) whatever the number of windows:
    each dossier counts in exactly one window on each side, so sums over windows or fields are exact."""
    key = (tuple(windows), tuple(unit_codes) if unit_codes else None)
    memo = session.info.get(_MEMO)
    if memo is not None and key in memo:
        return memo[key]
    low, highs = _bounds(*windows[0])[0], [_bounds(*window)[1] for window in windows]
    live = [Dossier.deleted.is_(False), Dossier.status != Status.REFUSED]
    if unit_codes:
        live.append(Dossier.owner_unit.in_(list(unit_codes)))
    digitised, reused, portal = component_flags()
    total = count_where
    out: Tally = {}
    for moment, names, columns in (
            (Dossier.received_at, ("received", "with_digitised_components", "with_reused_components",
                                   "reused_from_national_portal"),
             (func.count(), total(digitised), total(reused), total(portal))),
            (Dossier.result_at, ("resolved", "results_digitised"),
             (func.count(), total(Dossier.result_digitised.is_(True))))):
        window = window_number(moment, highs)
        query = select(Dossier.field_name, *window, *columns).where(
            *live, moment.is_not(None), moment >= low, moment < highs[-1]).group_by(Dossier.field_name, *window)
        for row in session.execute(query):
            field_name, number, values = row[0], (int(row[1]) if window else 0), row[1 + len(window):]
            cell = out.setdefault((field_name or NO_FIELD, number), dict.fromkeys(COUNT_KEYS, 0))
            for name, value in zip(names, values, strict=True):
                cell[name] += int(value or 0)
    for cell in out.values():
        cell["without_digitised_components"] = cell["received"] - cell["with_digitised_components"]
        cell["results_not_digitised"] = cell["resolved"] - cell["results_digitised"]
    if memo is not None:
        memo[key] = out
    return out


def _summed(cells: Any) -> dict[str, int]:
    out = dict.fromkeys(COUNT_KEYS, 0)
    for cell in cells:
        for name in COUNT_KEYS:
            out[name] += cell[name]
    return out


def counts(session: Session, start: date, end: date, *, unit_codes: Sequence[str] | None = None,
           by_field: bool = False) -> dict[str, dict[str, int]]:
    """Raw counts keyed by field name (or ``""`` for the total)."""
    tally = _tally(session, [(start, end)], unit_codes)
    if by_field:
        return {name: cell for (name, _number), cell in tally.items()}
    return {"": _summed(tally.values())}


def _months(start: date, end: date) -> list[tuple[date, date]]:
    months = []
    cursor = start.replace(day=1)
    while cursor <= end:
        nxt = (cursor + timedelta(days=32)).replace(day=1)
        months.append((max(cursor, start), min(nxt - timedelta(days=1), end)))
        cursor = nxt
    return months


def _targets(session: Session, year: int) -> dict[str, float | None]:
    data = feedback_targets.load(session)
    return {name: feedback_targets.target(data, "digitisation", name, year)
            for name in ("component_rate", "reuse_rate", "result_rate")}


def ytd_windows(end: date) -> tuple[date, date, date]:
    """The year's first day, the year-to-date's last day and the first day of its last 90 days."""
    year_start = date(end.year, 1, 1)
    ytd_end = max(min(end, clock.today()), year_start)
    return year_start, ytd_end, max(year_start, ytd_end - timedelta(days=89))


def forecast(session: Session, end: date, *, unit_codes: Sequence[str] | None = None) -> dict[str, Any]:
    """Year-to-date rates and where the year ends if the last 90 days' pace goes on."""
    year_start, ytd_end, recent_start = ytd_windows(end)
    ytd = counts(session, year_start, ytd_end, unit_codes=unit_codes)[""]
    recent = counts(session, recent_start, ytd_end, unit_codes=unit_codes)[""]
    return projection(ytd, recent, end.year, ytd_end, _targets(session, end.year))


def projection(ytd: dict[str, int], recent: dict[str, int], year: int, ytd_end: date,
               targets: dict[str, float | None]) -> dict[str, Any]:
    """Volume for the rest of the year = the year-to-date average per day; its digitised share = the
    rate of the last 90 days (the "current pace"). Projected year rate = (ytd part + rest part) /
    (ytd whole + rest whole)."""
    elapsed = (ytd_end - date(year, 1, 1)).days + 1
    remaining = (date(year, 12, 31) - ytd_end).days
    scale = remaining / elapsed
    out: dict[str, Any] = {"year": year, "as_of": ytd_end.isoformat(), "ytd": with_rates(ytd)}
    for name, part, whole in (("component_rate", "with_digitised_components", "received"),
                              ("reuse_rate", "with_reused_components", "received"),
                              ("result_rate", "results_digitised", "resolved")):
        rest_whole = ytd[whole] * scale
        pace = recent[part] / recent[whole] if recent[whole] else (ytd[part] / ytd[whole] if ytd[whole] else 0.0)
        projected_whole = ytd[whole] + rest_whole
        projected = round(100.0 * (ytd[part] + pace * rest_whole) / projected_whole, 1) if projected_whole else None
        out[f"projected_{name}"] = projected
        goal = targets[name]
        out[f"on_track_{name}"] = None if goal is None or projected is None else projected >= goal
    out["projected_received"] = round(ytd["received"] * (1 + scale))
    out["targets"] = targets
    return out


def digitisation_tracker(session: Session, start: date, end: date, *,
                         unit_codes: Sequence[str] | None = None) -> dict[str, Any]:
    """The whole tracker: by field, total, targets of ``end``'s year, monthly trend, forecast."""
    if end < start:
        from desktop.errors import UserError

        raise UserError("Ngày kết thúc kỳ phải không sớm hơn ngày bắt đầu.", field="period")
    order = {name: sort for name, sort in session.execute(select(Field.name, Field.sort_order))}
    months = _months(start, end)
    with counted_once(session):
        tally = _tally(session, months, unit_codes)
        per_field = {name: _summed(cell for (field, _n), cell in tally.items() if field == name)
                     for name in {field for field, _n in tally}}
        session.info[_MEMO][(((start, end),), tuple(unit_codes) if unit_codes else None)] = {
            (name, 0): cell for name, cell in per_field.items()}  # the whole window, for the forecast
        fields = [{"field": name} | with_rates(values)
                  for name, values in sorted(per_field.items(), key=lambda kv: (order.get(kv[0], 10**6), kv[0]))]
        total = with_rates(_summed(per_field.values()))
        targets = _targets(session, end.year)
        total["meets_targets"] = {name: (None if targets[name] is None or total[name] is None
                                         else total[name] >= targets[name]) for name in targets}
        monthly = [{"month": f"{lo:%Y-%m}", "start": lo.isoformat(), "end": hi.isoformat()}
                   | with_rates(_summed(cell for (_f, n), cell in tally.items() if n == number))
                   for number, (lo, hi) in enumerate(months)]
        outlook = forecast(session, end, unit_codes=unit_codes)
    return {"start": start.isoformat(), "end": end.isoformat(), "fields": fields, "total": total,
            "targets": {"year": end.year} | targets, "monthly": monthly,
            "forecast": outlook,
            "label": "Tự đánh giá tại đơn vị, không phải điểm chính thức của Bộ chỉ số 766"}
