"""The digitisation tracker on a hand-built data set: every count checked exactly."""

from __future__ import annotations

from datetime import date

import pytest

from desktop import settings
from desktop.services import feedback_targets
from desktop.errors import UserError
from desktop.reports.digitisation import digitisation_tracker, forecast
from desktop.reports.feedback_sections import SECTIONS
from desktop.services import digitisation, dossiers
from tests.feedback.helpers import CHUNG_THUC, at, receive, resolve

OCT = (date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture
def data(db):
    with db.transaction(officer="canbo") as s:
        h1 = receive(s, "2026-10-01T07:45", digitised=(0,))          # first minute-ish of the window
        resolve(s, h1, "2026-10-01T10:00")
        digitisation.digitise_result(s, h1)
        h2 = receive(s, "2026-10-15T09:00")                          # nothing digitised; resolved in Nov
        resolve(s, h2, "2026-11-02T09:00")
        h3 = receive(s, "2026-10-31T16:59")                          # last minute of the window
        digitisation.digitise_component(s, h3, 1, reused_from=h1)
        digitisation.digitise_component(s, h3, 2, national_portal=True)
        h4 = receive(s, "2026-09-30T16:00")                          # received before, resolved inside
        resolve(s, h4, "2026-10-05T09:00")
        receive(s, "2026-11-01T08:00", digitised=(0, 1))             # after the window
        c1 = receive(s, "2026-10-10T09:00", procedure=CHUNG_THUC)
        digitisation.digitise_component(s, c1, 1, national_portal=True)
        resolve(s, c1, "2026-10-10T11:00")
        digitisation.digitise_result(s, c1)
        dossiers.refuse(s, procedure_code=CHUNG_THUC, applicant=dossiers.Applicant(name="Lê Văn Cường"),
                        reason="Thiếu bản chính", at=at("2026-10-12T09:00"))
        c3 = receive(s, "2026-10-20T09:00", procedure=CHUNG_THUC, digitised=(1,))
        dossiers.withdraw(s, c3, at=at("2026-10-21T09:00"))
    return db


def test_counts_by_field_and_total(data):
    with data.reading() as s:
        out = digitisation_tracker(s, *OCT)
    by_field = {row["field"]: row for row in out["fields"]}
    assert [row["field"] for row in out["fields"]] == ["Hộ tịch", "Chứng thực"]  # catalogue order
    keys = ("received", "with_digitised_components", "without_digitised_components", "with_reused_components",
            "reused_from_national_portal", "resolved", "results_digitised", "results_not_digitised")
    assert [by_field["Hộ tịch"][k] for k in keys] == [3, 2, 1, 1, 1, 2, 1, 1]
    assert [by_field["Chứng thực"][k] for k in keys] == [2, 2, 0, 1, 1, 1, 1, 0]
    total = out["total"]
    assert [total[k] for k in keys] == [5, 4, 1, 2, 2, 3, 2, 1]
    assert (total["component_rate"], total["reuse_rate"], total["result_rate"]) == (80.0, 40.0, 66.7)
    assert out["targets"] == {"year": 2026, "component_rate": 100.0, "reuse_rate": 80.0, "result_rate": 100.0}
    assert total["meets_targets"] == {"component_rate": False, "reuse_rate": False, "result_rate": False}


def test_monthly_trend_and_unit_filter(data):
    with data.reading() as s:
        out = digitisation_tracker(s, date(2026, 9, 30), date(2026, 11, 1))
        other = digitisation_tracker(s, *OCT, unit_codes=["99999"])
    months = {m["month"]: m for m in out["monthly"]}
    assert list(months) == ["2026-09", "2026-10", "2026-11"]
    assert (months["2026-09"]["received"], months["2026-09"]["resolved"]) == (1, 0)
    assert (months["2026-10"]["received"], months["2026-10"]["with_digitised_components"]) == (5, 4)
    assert (months["2026-11"]["received"], months["2026-11"]["with_digitised_components"]) == (1, 1)
    assert out["total"]["received"] == 7
    assert other["total"]["received"] == 0 and other["total"]["component_rate"] is None and other["fields"] == []


def test_forecast_at_current_pace(data):
    with data.reading() as s:
        result = forecast(s, date(2026, 10, 31))
    assert result["ytd"]["received"] == 6 and result["ytd"]["with_digitised_components"] == 4
    assert result["projected_received"] == round(6 * 365 / 304)
    assert result["projected_component_rate"] == 66.7  # same pace all year
    assert result["on_track_component_rate"] is False


def test_indicator_sections_have_the_contract_keys(data):
    with data.reading() as s:
        dig = SECTIONS["digitisation"](s, *OCT)
        sat = SECTIONS["satisfaction"](s, *OCT)
        wait = SECTIONS["waiting"](s, *OCT)
    assert {"received", "with_digitised_components", "without_digitised_components", "with_reused_components",
            "reused_from_national_portal", "resolved", "results_digitised"} <= set(dig)
    assert dig["received"] == 5 and dig["results_digitised"] == 2
    assert {"answers", "very_satisfied", "satisfied", "unsatisfied", "rate"} <= set(sat) and sat["answers"] == 0
    assert {"tickets", "served", "avg_minutes", "p90_minutes"} <= set(wait) and wait["tickets"] == 0


def test_yearly_targets_interpolate_between_anchors():
    data = feedback_targets.bundled()
    component = [feedback_targets.target(data, "digitisation", "component_rate", y) for y in range(2020, 2028)]
    assert component == [None, 15.0, 35.0, 55.0, 75.0, 95.0, 100.0, 100.0]
    reuse = [feedback_targets.target(data, "digitisation", "reuse_rate", y) for y in range(2021, 2027)]
    assert reuse == [None, 30.0, 46.7, 63.3, 80.0, 80.0]
    assert feedback_targets.target(data, "digitisation", "result_rate", 2024) is None
    assert feedback_targets.target(data, "waiting", "max_minutes", 2026) == 15.0
    with pytest.raises(UserError, match="thiếu mục 'satisfaction.rate'"):
        feedback_targets.validate({"digitisation": data["digitisation"], "waiting": data["waiting"]}, "x.json")


def test_targets_from_settings_override_the_file(db):
    from desktop.services.desk import put_setting

    with db.transaction() as s:
        custom = feedback_targets.bundled() | {"digitisation": {"component_rate": {"2026": 50},
                                                                "reuse_rate": {"2026": 10},
                                                                "result_rate": {"2026": 20}}}
        put_setting(s, settings.FEEDBACK_TARGETS.key, custom)
        out = digitisation_tracker(s, *OCT)
    assert out["targets"]["component_rate"] == 50.0


def test_empty_window_is_refused_when_reversed(db):
    with db.reading() as s, pytest.raises(UserError, match="không sớm hơn"):
        digitisation_tracker(s, date(2026, 10, 2), date(2026, 10, 1))


def test_period_sections_plug_into_report_indicators(data):
    from desktop.reports.feedback_sections import PERIOD_SECTIONS
    from desktop.reports.indicators import INDICATOR_SECTIONS, indicators, parse_period

    with data.reading() as s:
        out = indicators(s, parse_period("2026-10", calendar=True))
    assert set(PERIOD_SECTIONS) <= set(INDICATOR_SECTIONS)
    dig = out["sections"]["digitisation"]
    assert (dig["received"], dig["with_digitised_components"], dig["component_rate"]) == (5, 4, 80.0)
    assert out["digitisation"] == dig
    assert out["sections"]["waiting"]["queue_now"] == 0
    rows = {row["key"]: row for row in out["targets"]}
    assert rows["digitisation_rate"]["value"] == 0.8


WINDOWS = [OCT, (date(2026, 9, 15), date(2026, 11, 20)), (date(2026, 1, 1), date(2026, 12, 31)),
           (date(2026, 10, 31), date(2026, 10, 31)), (date(2025, 12, 1), date(2026, 2, 28))]


def _same_as_before(db, units):  # type: ignore[no-untyped-def]
    from desktop.reports import digitisation as now
    from tests.reports import digitisation_before as before

    with db.reading() as s:
        for start, end in WINDOWS:
            for scope in units:
                assert now.digitisation_tracker(s, start, end, unit_codes=scope) == \
                    before.digitisation_tracker(s, start, end, unit_codes=scope), (start, end, scope)
                for by_field in (False, True):
                    assert now.counts(s, start, end, unit_codes=scope, by_field=by_field) == \
                        before.counts(s, start, end, unit_codes=scope, by_field=by_field), (start, end, by_field)


def test_two_grouped_passes_count_what_one_query_per_window_counted(data):
    """The tracker in two grouped passes gives the very numbers of one query per window, on the hand-built set."""
    from desktop.services.desk import local_unit

    with data.reading() as s:
        unit = local_unit(s).code
    _same_as_before(data, [None, [unit], ["00000"]])


def test_two_grouped_passes_on_a_generated_year(db):
    from desktop.demo import generate

    with db.transaction(officer="demo") as s:
        generate(s, dossiers=600, months=14, seed=13)
    _same_as_before(db, [None])
    from desktop.reports.digitisation import counts

    with db.reading() as s:
        year = counts(s, date(2026, 1, 1), date(2026, 12, 31))[""]
    assert year["received"] > 300 and 0 < year["with_digitised_components"] < year["received"]
