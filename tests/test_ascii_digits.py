"""Codes, PINs, ID numbers and counts are ASCII digits: ``str.isdigit`` alone took '²' (which ``int``
refuses: a crash instead of a message) and other scripts' digits (stored, then never matched)."""

from __future__ import annotations

import pytest

from desktop.errors import UserError
from desktop.rules import survey_forms, validation
from desktop.rules.text import ascii_digits
from desktop.services import kiosk, surveys

NOT_ASCII = ["²", "１２３４５６７８９０１２", "١٢٣٤", "१२३४", "12³4"]


def test_only_0_to_9() -> None:
    assert ascii_digits("0123456789")
    assert not any(ascii_digits(text) for text in NOT_ASCII + ["", " 12", "1.2", "-1", "12a"])


@pytest.mark.parametrize("text", ["１２３４５６７８９０１２", "٠١٢٣٤٥٦٧٨٩٠١", "00109800123²"])
def test_an_id_number_in_other_digits_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(UserError, match="12 chữ số") as refused:
        validation.id_number(text)
    assert refused.value.field == "id_number"


def test_a_kiosk_pin_in_other_digits_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        for pin in ("١٢٣٤", "²²²²", "１２３４"):
            with pytest.raises(UserError, match="4–8 chữ số"):
                kiosk.set_pin(s, pin)
        assert not kiosk.has_pin(s)


def test_a_score_written_as_a_superscript_gets_a_message_not_a_crash(db) -> None:  # type: ignore[no-untyped-def]
    form = survey_forms.get_form(survey_forms.QUARTERLY_FORM)
    first = next(q for q in form.questions if q.type == "score")
    with db.transaction() as s:
        with pytest.raises(UserError) as refused:
            surveys.record_answer(s, {first.id: "²"}, form_id=form.id)
        assert refused.value.field == first.id
        surveys.record_answer(s, {first.id: " 2 "}, form_id=form.id)  # ASCII digits as text still count
