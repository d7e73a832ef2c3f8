from __future__ import annotations

from desktop.platform.paths import data_dir


def _receive(cli, when="2026-11-16T09:00", id_number="001234567890"):
    out = cli("dossier", "receive", "--procedure", "1.001193", "--applicant", "Nguyễn Văn An",
              "--id-number", id_number, "--at", when, "--json")
    assert out.code == 0, out.err
    return out.json()["code"]


def test_dossier_digitise_component_and_result(cli, tmp_path):
    code = _receive(cli)
    scan = tmp_path / "to_khai.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"1" * 40)
    out = cli("dossier", "digitise", code, "--component", "1", "--file", str(scan), "--json")
    assert out.code == 0, out.err
    data = out.json()
    assert (data["number"], data["digitised"], data["name"]) == (1, True, "Tờ khai đăng ký khai sinh")
    assert data["component_code"] == "000.00.23.H49.2026.2611160001.01"
    assert (data_dir() / "files" / f"{data['file_sha256']}.png").read_bytes() == scan.read_bytes()
    out = cli("dossier", "digitise", code, "--component", "3", "--code", "CCCD-AN", "--national-portal", "--json")
    assert (out.json()["component_code"], out.json()["national_portal"]) == ("CCCD-AN", True)
    refused = cli("dossier", "digitise", code, "--result")
    assert refused.code == 2 and "chưa có kết quả" in refused.err
    assert cli("dossier", "start", code, "--at", "2026-11-16T09:30").code == 0
    assert cli("dossier", "result", code, "--at", "2026-11-16T10:00").code == 0
    out = cli("dossier", "digitise", code, "--result", "--code", "KQ-1", "--json")
    assert out.json() == {"code": code, "result_digitised": True, "result_digitised_at": "2026-11-20T16:00:00+07:00",
                          "result_code": "KQ-1", "result_file_sha256": None}
    shown = cli("dossier", "show", code, "--json").json()
    assert [c["digitised"] for c in shown["components"]] == [True, False, True]
    assert shown["result_digitised"] is True


def test_dossier_digitise_reuse_and_undo(cli):
    first = _receive(cli, "2026-11-02T09:00")
    cli("dossier", "digitise", first, "--component", "2")
    second = _receive(cli)
    offered = cli("digitisation", "reusable", "001234567890", "--json").json()
    assert [d["dossier_code"] for d in offered] == [first]
    out = cli("dossier", "digitise", second, "--component", "2", "--reused-from", offered[0]["component_code"],
              "--json").json()
    assert out["reused_from_id"] == offered[0]["component_id"]
    out = cli("dossier", "digitise", second, "--component", "2", "--undo", "--json").json()
    assert (out["digitised"], out["reused_from_id"]) == (False, None)
    bad = cli("dossier", "digitise", second, "--component", "9")
    assert bad.code == 2 and "không có thành phần số 9" in bad.err
    both = cli("dossier", "digitise", second, "--component", "1", "--result")
    assert both.code == 2


def test_survey_add_json(cli):
    code = _receive(cli)
    out = cli("survey", "add", "--dossier", code, "--overall", "rat_hai_long", "--answer", "can_bo=hai_long",
              "--comment", "Cán bộ nhiệt tình", "--at", "2026-11-16T10:00", "--json")
    assert out.code == 0, out.err
    data = out.json()
    assert {k: data[k] for k in ("form_id", "form_version", "overall", "overall_label", "dossier_code",
                                 "answered_at")} == {
        "form_id": "hai_long_ho_so", "form_version": 1, "overall": "rat_hai_long", "overall_label": "Rất hài lòng",
        "dossier_code": code, "answered_at": "2026-11-16T10:00:00+07:00"}
    anonymous = cli("survey", "add", "--overall", "khong_hai_long", "--json").json()
    assert anonymous["dossier_code"] is None
    assert cli("survey", "add", "--overall", "tot").code == 2
    bad = cli("survey", "add", "--overall", "hai_long", "--answer", "can_bo=tuyet")
    assert bad.code == 2 and "không hợp lệ" in bad.err
    summary = cli("survey", "summary", "--from", "2026-11-01", "--to", "2026-11-20", "--json").json()
    assert (summary["answers"], summary["very_satisfied"], summary["unsatisfied"], summary["rate"]) == (2, 1, 1, 50.0)


def test_queue_ticket_call_and_stats_json(cli):
    t1 = cli("queue", "ticket", "--at", "2026-11-19T07:30", "--json").json()
    t2 = cli("queue", "ticket", "--at", "2026-11-19T07:35", "--json").json()
    assert (t1["number"], t2["number"], t1["day"], t1["called_at"]) == (1, 2, "2026-11-19", None)
    called = cli("queue", "call", "2", "--at", "2026-11-19T07:47", "--json").json()
    assert (called["number"], called["waiting_minutes"], called["called_at"]) == (2, 12.0, "2026-11-19T07:47:00+07:00")
    nxt = cli("queue", "call", "next", "--at", "2026-11-19T07:50", "--json").json()
    assert (nxt["number"], nxt["waiting_minutes"]) == (1, 20.0)
    empty = cli("queue", "call", "next", "--at", "2026-11-19T07:55")
    assert empty.code == 2 and "Không còn ai chờ" in empty.err
    stats = cli("queue", "stats", "--from", "2026-11-19", "--to", "2026-11-19", "--by", "day", "--json").json()
    assert (stats["tickets"], stats["served"], stats["avg_minutes"], stats["p90_minutes"]) == (2, 2, 16.0, 20.0)
    code = _receive(cli, "2026-11-19T07:55")
    linked = cli("queue", "link", "1", code, "--json").json()
    assert linked["dossier_code"] == code


def test_digitisation_tracker_cli(cli):
    code = _receive(cli)
    cli("dossier", "digitise", code, "--component", "1")
    out = cli("digitisation", "tracker", "--from", "2026-11-01", "--to", "2026-11-30", "--json").json()
    assert (out["total"]["received"], out["total"]["with_digitised_components"]) == (1, 1)
    text = cli("digitisation", "tracker", "--from", "2026-11-01", "--to", "2026-11-30")
    assert "Tiếp nhận 1, có thành phần số hóa 1 (100,0%)" in text.out
