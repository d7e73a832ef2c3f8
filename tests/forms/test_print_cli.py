"""``python -m desktop print …`` writes every form without a display and refuses bad input."""

from __future__ import annotations

from pathlib import Path

from desktop.forms import FORM_KINDS

from .conftest import Scenario


def test_cli_prints_every_form(cli, scenario: Scenario, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    codes = {"refusal": scenario.refused, "stop": scenario.withdrawn, "transfer": scenario.forwarded}
    for kind in FORM_KINDS:
        out = tmp_path / f"{kind}.pdf"
        result = cli("print", kind, codes.get(kind, scenario.full), "--out", str(out), "--paper", "A5")
        assert result.code == 0, result.err
        assert out.read_bytes().startswith(b"%PDF")
        assert "Đã in" in result.out
    result = cli("print", "stop", scenario.fresh, "--out", str(tmp_path / "s.pdf"), "--reason", "Theo yêu cầu",
                 "--at", "2026-11-20T10:00")
    assert result.code == 0, result.err


def test_cli_ledger_pdf_and_xlsx(cli, scenario: Scenario, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("print", "ledger", "--from", "2026-11-01", "--to", "30/11/2026", "--out", str(tmp_path / "s.pdf"),
                 "--xlsx", str(tmp_path / "s.xlsx"))
    assert result.code == 0, result.err
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "s.xlsx").read_bytes().startswith(b"PK")
    result = cli("print", "ledger", "--from", "2026-11-01", "--to", "2026-11-30")
    assert result.code == 2 and "--out" in result.err


def test_cli_refuses_bad_input(cli, scenario: Scenario, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "x.pdf"
    bad_code = cli("print", "receipt", "KHONG-CO", "--out", str(out))
    assert bad_code.code == 2 and "Lỗi: Không tìm thấy hồ sơ có mã 'KHONG-CO'" in bad_code.err
    bad_kind = cli("print", "bienlai", scenario.full, "--out", str(out))
    assert bad_kind.code == 2 and "Lỗi: tham số không hợp lệ" in bad_kind.err
    bad_paper = cli("print", "receipt", scenario.full, "--out", str(out), "--paper", "Letter")
    assert bad_paper.code == 2 and "Khổ giấy" in bad_paper.err
    bad_date = cli("print", "ledger", "--from", "31/02/2026", "--to", "2026-03-01", "--out", str(out))
    assert bad_date.code == 2 and "không hợp lệ" in bad_date.err
    assert not out.exists()
