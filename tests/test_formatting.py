"""One format for every number, percentage, date and moment (issue #16; issue #18 found four)."""

from __future__ import annotations

from datetime import date, datetime

from desktop import formatting as f
from desktop.platform import clock


def test_numbers_and_percentages() -> None:
    assert (f.number(95934), f.number(1234567.4), f.number(0), f.number(None)) == ("95.934", "1.234.567", "0", "")
    assert (f.decimal(1234.56), f.decimal(7.0), f.decimal(0.25, 2)) == ("1.234,6", "7,0", "0,25")
    assert (f.percent(84.0), f.percent(92.66), f.percent(100)) == ("84,0%", "92,7%", "100,0%")
    assert (f.plain(2.5), f.plain(3.0)) == ("2,5", "3")


def test_dates_and_moments_in_one_order() -> None:
    moment = datetime(2026, 12, 9, 17, 0, tzinfo=clock.VN_TZ)
    assert f.dmy(moment) == f.dmy(date(2026, 12, 9)) == f.dmy("2026-12-09") == "09/12/2026"
    assert f.dmy_hm(moment) == f.dmy_hm("2026-12-09T10:00:00+00:00") == "17:00 09/12/2026"
    assert f.vn_datetime(moment) == "17 giờ 00 phút, ngày 09 tháng 12 năm 2026"
    assert f.place_date("Tân Lập", date(2026, 2, 5)) == "Tân Lập, ngày 05 tháng 02 năm 2026"
    assert (f.dmy(None), f.dmy_hm(None), f.dmy_hm("")) == ("", "", "")
