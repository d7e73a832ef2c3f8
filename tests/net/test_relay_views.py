"""Relay path (desk → relay folder → hub, original signature kept) and the hub's unit views."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop.db.session import Database
from desktop.sync import canonical
from desktop.sync.status import sync_status
from province.models import HubBatch
from tests.net.conftest import LiveHub
from tests.sync_support import connect_desk, export, receive


def test_relay_by_stick_then_network(db: Database, live_hub: LiveHub, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    connect_desk(db, live_hub.hub, tmp_path / "desk")
    codes = receive(db, 3, name="Hoàng Văn Em")
    made = export(db, tmp_path / "commune-stick")
    assert made.file is not None
    original = made.file.read_bytes()
    broken = tmp_path / "commune-stick" / "hong.mcb"
    broken.write_bytes(original[: len(original) // 3])  # a half-copied file on the stick
    district = tmp_path / "district-stick"
    copied = cli("sync", "relay", "--in", str(tmp_path / "commune-stick"), "--out", str(district), "--json",
                 db=db.path)
    items = {i["file"]: i for i in copied.json()}
    assert copied.code == 1 and items["hong.mcb"]["status"] == "refused" and items["hong.mcb"]["code"] == "truncated"
    assert items[made.file.name]["status"] == "copied" and (district / made.file.name).read_bytes() == original
    forwarded = cli("sync", "relay", "--in", str(district), "--url", live_hub.url, "--json", db=db.path).json()
    assert [i["status"] for i in forwarded] == ["forwarded"]
    with live_hub.hub.reading() as session:
        stored = session.get(HubBatch, made.batch_id)
    assert stored is not None and stored.sha256 == canonical.sha256(original)  # the very bytes the desk signed
    receipt = Path(forwarded[0]["receipt_file"])
    assert receipt.parent == district / "receipts"
    assert cli("sync", "receipt", str(receipt), "--json", db=db.path).json()["acknowledged"] > 0
    with db.reading() as session:
        assert sync_status(session)["pending_changes"] == 0
    assert len(codes) == 3


def test_usb_receipt_first_then_network(db: Database, live_hub: LiveHub, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """Mixed media: the stick's receipt arrives first; the network push then has nothing to do."""
    from desktop.sync.push import push
    from tests.sync_support import deliver

    connect_desk(db, live_hub.hub, tmp_path / "desk")
    receive(db, 2)
    deliver(live_hub.hub, db, export(db, tmp_path / "usb"), tmp_path / "usb")
    assert push(db, live_hub.url).status == "up_to_date"
    receive(db, 1, name="Đỗ Thị Hoa")
    stick = export(db, tmp_path / "usb2")  # exported to a stick, but the network wins the race
    pushed = push(db, live_hub.url)
    assert pushed.status == "applied" and pushed.batch_id == stick.batch_id and not pushed.exported
    late = cli("sync", "receipt", pushed.receipt_file, "--json", db=db.path).json()  # type: ignore[arg-type]
    assert late["already_imported"] is True


def test_unit_status_and_html_page(db: Database, live_hub: LiveHub, tmp_path: Path) -> None:
    from desktop.sync.push import push

    connect_desk(db, live_hub.hub, tmp_path / "desk")
    receive(db, 2)
    result = push(db, live_hub.url)
    api = live_hub.client("viewer")
    status = api.get("/api/v1/units/10375/status").json()
    assert status["last_batch"]["batch_id"] == result.batch_id
    assert status["last_receipt"]["batch_id"] == result.batch_id and status["last_receipt"]["counts"]["applied"] > 0
    assert status["gaps"] == [] and status["pending_conflicts"] == 0 and status["app_versions"] == ["0.1.0"]
    assert api.get("/api/v1/units/99999/status").status_code == 404
    page = api.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "10375" in page.text and "tình trạng đồng bộ" in page.text and "<script" not in page.text
    assert api.get("/units").text == page.text
    docs = api.get("/openapi.json").json()
    assert "/api/v1/batches/{batch_id}" in docs["paths"] and "/api/v1/packages/latest" in docs["paths"]


def test_unit_status_shows_gaps(db: Database, live_hub: LiveHub, tmp_path: Path) -> None:
    """Holes in a device's watermark show in the unit status (the watermark is edited to make one:
    cumulative batches make a real hole hard to produce from one desk)."""
    from province import watermarks
    from province.models import HubWatermark

    connect_desk(db, live_hub.hub, tmp_path / "desk")
    receive(db, 1)
    from desktop.sync.push import push

    push(db, live_hub.url)
    with live_hub.hub.transaction() as session:
        mark = session.scalars(select(HubWatermark)).one()
        mark.ranges = watermarks.merge([[r[0] + 5, r[1] + 5] for r in mark.ranges], [mark.ranges[0][1] + 20,
                                                                                    mark.ranges[0][1] + 20])
    status = live_hub.client("viewer").get("/api/v1/units/10375/status").json()
    assert status["gaps"] and status["gaps"][0]["seq_from"] == mark.epoch_start


def test_province_report_json_xlsx_pdf(db: Database, live_hub: LiveHub, tmp_path: Path) -> None:
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from desktop.sync.push import push

    connect_desk(db, live_hub.hub, tmp_path / "desk")
    receive(db, 3)
    push(db, live_hub.url)
    base = "/api/v1/reports/periodic"
    httpx = live_hub.client("officer")
    one = httpx.get(base, params={"unit": "10375", "period": "2026"}).json()
    both = httpx.get(base, params={"unit": "by-unit", "period": "2026"}).json()
    assert both["units"]["10375"] == one and both["all"]["total"] == one["total"]
    assert one["total"]["received"]["total"] == 3
    assert one != {} and "10375" in str(one["unit"])
    xlsx = httpx.get(base, params={"unit": "all", "period": "2026", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.title == "Biểu 06"
    pdf = httpx.get(base, params={"unit": "10375", "period": "2026", "format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Tân Lập" in text
    assert httpx.get(base, params={"unit": "10375", "period": "bad"}).status_code == 400
