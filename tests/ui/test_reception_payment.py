"""The reception form records what the indicators need (issue #19): the fee's payment method and a
result returned by post."""

from __future__ import annotations


def test_reception_form_records_payment_and_postal_return(qtbot, ctx, db) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.pages.reception import ReceptionPage

    page = ReceptionPage(ctx)
    qtbot.addWidget(page)
    page.payment.setCurrentIndex(page.payment.findData("online"))
    page.by_post.setChecked(True)
    reception = page.reception()
    assert (reception.payment_method, reception.return_by_post) == ("online", True)
    assert [page.payment.itemText(i) for i in range(page.payment.count())] == [
        "Không thu phí / chưa nộp", "Tiền mặt", "Chuyển khoản", "Trực tuyến qua Cổng DVC"]
    page.clear()
    assert page.payment.currentData() is None and not page.by_post.isChecked()
