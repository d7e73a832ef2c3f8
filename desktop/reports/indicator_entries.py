"""The indicator catalogue's entries for a period (Tổng quan's table, the hub's report): each indicator's
value against its target, per field where targets differ, and its outlook — the previous period's value and
the year so far's (the year-end forecast at this pace)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from desktop.reports.indicator_catalogue import Targets, by_field_targets, evaluate, load, quotient, reading
from desktop.reports.indicator_counts import field_satisfaction, period_counts
from desktop.reports.periods import Period, parse_period


def catalogue_entries(session: Session, period: Period, *, totals: dict[str, Any] | None = None,
                      with_outlook: bool = True, unit_codes: Sequence[str] | None = None,
                      unit: tuple[str, str] | None = None) -> list[dict[str, Any]]:
    """The catalogue's indicators for the period, with per-field values where targets differ; with the
    outlook (:func:`catalogue_outlook`), each one's previous period and year so far.
    ``unit_codes``/``unit``: the hub's scope, as for the periodic report."""
    targets = Targets(session if unit is None else None)  # the hub has no desk settings
    catalogue = load(session if unit is None else None)
    scope: dict[str, Any] = {"unit_codes": unit_codes, "unit": unit}
    entries = evaluate(period_counts(session, period, totals=totals, **scope), period, targets, catalogue)
    fields = by_field_targets(catalogue)
    for entry in entries:
        if entry["id"] in fields:
            entry["by_field"] = _by_field(session, period, entry, fields[entry["id"]], unit_codes)
    if not with_outlook:
        return entries
    return with_catalogue_outlook(entries, _outlook(session, period, targets, catalogue, scope))


def catalogue_outlook(session: Session, period: Period, *, unit_codes: Sequence[str] | None = None,
                      unit: tuple[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Each indicator's value over the previous period (the trend) and over the year so far (the year-end
    forecast at this pace): the page's slow part at 200k dossiers (a year of dossiers read), so Tổng quan
    shows the period's figures first and these after."""
    scope: dict[str, Any] = {"unit_codes": unit_codes, "unit": unit}
    return _outlook(session, period, Targets(session if unit is None else None),
                    load(session if unit is None else None), scope)


def _outlook(session: Session, period: Period, targets: Targets, catalogue: Any,
             scope: dict[str, Any]) -> dict[str, dict[str, Any]]:
    before = {e["id"]: e["value"] for e in evaluate(period_counts(session, period.previous(), **scope), period,
                                                    targets, catalogue)}
    year = parse_period(period.label[:4], calendar=period.calendar)
    so_far = {e["id"]: e["value"] for e in evaluate(period_counts(session, year, **scope), year, targets,
                                                    catalogue)}
    return {"previous": before, "forecast": so_far}


def with_catalogue_outlook(entries: list[dict[str, Any]], outlook: dict[str, dict[str, Any]]
                           ) -> list[dict[str, Any]]:
    return [entry | {"previous": outlook["previous"].get(entry["id"]),
                     "forecast": outlook["forecast"].get(entry["id"])} for entry in entries]


def _by_field(session: Session, period: Period, entry: dict[str, Any], targets: dict[str, float],
              unit_codes: Sequence[str] | None) -> list[dict[str, Any]]:
    rows = []
    for row in field_satisfaction(session, period.start, period.end, unit_codes):
        value = quotient(entry["unit"], row["numerator"], row["denominator"])
        target = targets.get(row["field"], entry["target"])
        rows.append(row | {"value": value, "target": target, "reading": reading(value, target, entry["direction"])})
    return rows
