"""The hub's HTTP face (FastAPI + uvicorn): the same batch bytes as on the stick, the same import pipeline.

``PUT /api/v1/batches/{batch_id}`` verifies the batch and stores it (``province.intake.accept``); the
applier imports it through the same ``importer.apply_locked`` as a USB import — there is no second apply
path. A desk that sends ``Prefer: respond-async`` gets 202 and a signed ``queued`` receipt at once and
asks ``GET /api/v1/receipts/{batch_id}`` (or pushes again) for the applied one; any other client waits
for the applied receipt, as before (issue 14). The batch id is the idempotency key: a repeat upload gets
the stored receipt for the batch's state, byte for byte. Refusals answer with a JSON body (code,
Vietnamese message) and a refusal receipt signed by the province, so a desk can tell a real "update the
app" / "device revoked" from a man in the middle.

Limits: a declared ``Content-Length`` over the cap is refused with 413 before any byte is read; a
chunked body is counted while read and cut at the cap; reading the body and the import each have a
timeout. uvicorn adds its own keep-alive timeout and connection cap.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.requests import ClientDisconnect
from starlette.routing import Route

from desktop import __version__
from desktop.platform import clock
from desktop.rules.text import ascii_digits
from desktop.sync.backoff import poll_delays
from desktop.texts import LABELS
from province import appliers as apply_workers
from province import intake, views, web_auth
from province.db import IMPORT_SLOTS, Hub, open_hub
from province.importer import hub_limits
from province.push_body import Body, TooLarge
from province.queue_limits import MAX_QUEUED

log = logging.getLogger("province.server")
API = "/api/v1"
_BATCH_ID = re.compile(r"[0-9a-fA-F-]{36}")


@dataclass
class ServerConfig:
    db_url: str | None = None
    data_dir: str | Path | None = None
    max_body_bytes: int = 256 * 1024 * 1024
    body_timeout: float = 120.0
    import_timeout: float = 300.0
    tls: bool = False  # the log-in cookie is marked Secure when the hub serves HTTPS
    # "thread": this process applies stored batches (a hub opened by create_app alone); "workers": the
    # separate apply-worker processes ``serve`` starts do (issue 14)
    applier: str = "thread"
    # a device with this many batches waiting to be applied is answered 429 + Retry-After (issue 14)
    max_queued_per_device: int = MAX_QUEUED


def create_app(config: ServerConfig, hub: Hub | None = None) -> FastAPI:
    hub = hub or open_hub(config.db_url, data_dir=config.data_dir)
    app = FastAPI(title="Một Cửa Offline — máy chủ tỉnh", version=__version__,
                  description="Nhận gói dữ liệu của xã, trả biên nhận có chữ ký, phát gói dữ liệu tham chiếu.",
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.state.hub = hub

    @app.exception_handler(web_auth.Refused)
    async def refused(_: Request, exc: web_auth.Refused) -> Response:
        return exc.response

    web_auth.register_login(app, hub, secure_cookie=config.tls)
    _batch_routes(app, hub, config)
    _receipt_route(app, hub)
    _read_routes(app, hub)
    return app


def _batch_routes(app: FastAPI, hub: Hub, config: ServerConfig) -> None:
    """``PUT /api/v1/batches/{id}``: a desk's batch in, a signed receipt (or a signed refusal) out."""
    incoming = hub.data_dir / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    limits = hub_limits()
    body_cap = min(config.max_body_bytes, limits.max_file_bytes)
    intake.warm_keys(hub)  # the key files decrypted once now, not by the first hundred pushes at once
    if config.applier == "workers":  # served: this process's connections opened now, not by the first pushes
        hub.warm_pool(IMPORT_SLOTS)
    applier = apply_workers.Applier(hub) if config.applier == "thread" else None
    app.state.applier = applier
    if applier is not None:
        applier.kick()  # batches stored before a restart are applied now

    def refused(code: str, message: str, batch_id: str | None) -> Response:
        return _answer(intake.refusal(hub, code, message, batch_id))

    def accept(body: Body, batch_id: str) -> intake.Answer:
        try:
            return intake.accept(hub, body.read(), body.name, batch_id, limits=limits,
                                 max_queued=config.max_queued_per_device)
        finally:
            body.discard()

    # PostgreSQL: acknowledgements at once within the pool (no overflow connection opened and closed push
    # after push); SQLite: the default thread pool (a push waiting there for the one write lock must not
    # keep the next ones from being verified meanwhile)
    slots = anyio.CapacityLimiter(IMPORT_SLOTS) if hub.engine.dialect.name == "postgresql" else None

    async def put_batch(request: Request) -> Response:
        batch_id = request.path_params["batch_id"]
        if not _BATCH_ID.fullmatch(batch_id):
            return JSONResponse({"status": "refused", "code": "bad_batch_id", "message": "Mã gói không hợp lệ."},
                                status_code=400)
        declared = request.headers.get("content-length")
        if declared is not None and (not ascii_digits(declared) or int(declared) > body_cap):
            return refused("too_large", "Gói dữ liệu vượt quá kích thước cho phép.", batch_id)
        body = Body(incoming / f"http-{batch_id}-{uuid.uuid4().hex[:8]}.mcb",
                    int(declared) if declared is not None else None)
        received = False
        try:
            await asyncio.wait_for(body.receive(request, body_cap), config.body_timeout)
            received = True
        except ClientDisconnect:
            log.info("máy xã ngắt giữa chừng khi gửi gói %s", batch_id)
            return Response(status_code=400)
        except asyncio.TimeoutError:
            return JSONResponse({"status": "refused", "code": "timeout", "message": "Hết thời gian nhận dữ liệu."},
                                status_code=408)
        except TooLarge:
            return refused("too_large", "Gói dữ liệu vượt quá kích thước cho phép.", batch_id)
        finally:
            if not received:  # cut, late, too large or cancelled: its memory or file goes now
                body.discard()
        found = await anyio.to_thread.run_sync(accept, body, batch_id, limiter=slots)
        if found.status != intake.QUEUED:
            return _answer(found)
        if applier is not None:
            applier.kick()
        if _wants_async(request):
            return _answer(found)
        applied = await _final(hub, batch_id, config.import_timeout)
        if applied is None:  # the batch is stored and will be applied; a retry gets its receipt
            return JSONResponse({"status": "busy", "code": "timeout", "message": "Máy chủ đang bận; gửi lại sau."},
                                status_code=503)
        return _answer(applied)

    # Served by a plain Starlette route, ahead of FastAPI's: the push is the hub's hot path and needs none of
    # FastAPI's per-request parameter solving (session 10). The FastAPI route below is never reached; it
    # keeps the push in the API description (/openapi.json, /docs).
    path = API + "/batches/{batch_id}"
    app.router.routes.insert(0, Route(path, put_batch, methods=["PUT"]))
    app.add_api_route(path, put_batch, methods=["PUT"],
                      summary="Nhận một gói dữ liệu của xã, trả biên nhận có chữ ký")


def _receipt_route(app: FastAPI, hub: Hub) -> None:
    """``GET /api/v1/receipts/{id}``: where a pushed batch stands now (issue 14, ``province.intake``)."""
    @app.get(API + "/receipts/{batch_id}", summary="Kết quả nhận một gói: biên nhận đã áp dụng, đang chờ hoặc từ chối")
    def receipt(batch_id: str, request: Request) -> Response:
        device = web_auth.device_request(hub, request)  # enrolled desks only, and only their own batches
        found = intake.outcome(hub, batch_id) if _BATCH_ID.fullmatch(batch_id) else None
        if found is None or found.device_id != device.device_id:
            return JSONResponse({"code": "unknown_batch", "message": "Máy chủ tỉnh chưa nhận gói này."},
                                status_code=404)
        return _answer(found)


def _answer(found: intake.Answer) -> Response:
    return Response(found.body, status_code=found.http_status, media_type="application/json", headers=found.headers)


async def _final(hub: Hub, batch_id: str, seconds: float) -> intake.Answer | None:
    """A desk that did not ask for an asynchronous answer waits, as before, for the applied receipt —
    the database asked less and less often (as the desk's own poll does), not every 50 ms for 300 s."""
    deadline = asyncio.get_running_loop().time() + seconds
    for delay in poll_delays(0.05):
        found = await run_in_threadpool(intake.outcome, hub, batch_id)
        if found is not None and found.status != intake.QUEUED:
            return found
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            return None
        await asyncio.sleep(min(delay, left))
    return None


def _wants_async(request: Request) -> bool:
    """``Prefer: respond-async`` (RFC 7240): the desk takes the ``queued`` receipt and polls; a desk that
    does not say so (an older version) gets the applied receipt in the response, as it always did."""
    return any(p.strip().lower() == "respond-async" for p in request.headers.get("prefer", "").split(","))


def _read_routes(app: FastAPI, hub: Hub) -> None:
    """Everything read: the package for enrolled desks, health, unit status, reports and the pages."""
    _desk_reads(app, hub)
    _status_routes(app, hub)
    _report_routes(app, hub)
    _page_routes(app, hub)


def _desk_reads(app: FastAPI, hub: Hub) -> None:
    """What an enrolled desk fetches: the province's reference package and its unit's inbox."""
    @app.get(API + "/packages/latest", summary="Gói dữ liệu tham chiếu mới nhất của tỉnh")
    def latest_package(request: Request, after: int = 0) -> Response:
        from province.packages import latest_package as latest

        web_auth.device_request(hub, request)  # enrolled desks only
        found = latest(hub)
        if found is None:
            return JSONResponse({"message": "Tỉnh chưa phát hành gói dữ liệu nào."}, status_code=404)
        version, data = found
        if version <= after:
            return Response(status_code=204, headers={"X-Package-Version": str(version)})
        return Response(data, media_type="application/octet-stream", headers={"X-Package-Version": str(version)})

    @app.get(API + "/inbox", summary="Hộp thư của đơn vị gửi yêu cầu: hồ sơ chuyển đến và kết quả chuyển về")
    def inbox(request: Request) -> Response:
        from desktop.errors import UserError
        from province.outbox import build_inbox

        device = web_auth.device_request(hub, request)  # enrolled desks only; sealed to the unit's devices
        try:
            data, summary = build_inbox(hub, device.unit_code)
        except UserError as exc:
            return JSONResponse({"code": exc.code, "message": exc.message}, status_code=409)
        return Response(data, media_type="application/octet-stream",
                        headers={"X-Inbox-Dossiers": str(summary["dossiers"])})


def _status_routes(app: FastAPI, hub: Hub) -> None:
    """Liveness and each unit's sync state (counts only)."""
    @app.get(API + "/health", summary="Máy chủ còn sống")
    def health() -> dict[str, Any]:
        return {"status": "ok", "province": hub.meta("name"), "app_version": __version__,
                "package_version": hub.meta("package_version"), "time": clock.iso(clock.now())}

    @app.get(API + "/units", summary="Tình trạng đồng bộ của mọi đơn vị")
    def units(request: Request) -> list[dict[str, Any]]:
        web_auth.audited(hub, request, web_auth.principal(hub, request), personal=False)
        return views.all_units(hub)

    @app.get(API + "/units/{code}/status", summary="Tình trạng đồng bộ của một đơn vị")
    def unit(code: str, request: Request) -> Response:
        web_auth.audited(hub, request, web_auth.principal(hub, request), personal=False)
        status = views.unit_status(hub, code)
        if status is None:
            return JSONResponse({"message": f"Không có đơn vị {code}."}, status_code=404)
        return JSONResponse(status)


def _report_routes(app: FastAPI, hub: Hub) -> None:
    """The periodic report files and the indicator set, for signed-in province users."""
    @app.get(API + "/reports/periodic", summary="Báo cáo định kỳ: một đơn vị, 'all' hoặc 'by-unit'; json/xlsx/pdf")
    def report(request: Request, period: str, unit: str = "all",
               format: str = "json") -> Response:  # noqa: A002 — the query name
        from desktop.errors import UserError
        from province.report_files import FORMATS, report_file

        who = web_auth.principal(hub, request)
        web_auth.audited(hub, request, who, personal=who.sees_names)
        try:
            data = report_file(hub, unit=unit, period=period, fmt=format, names=who.sees_names)
        except UserError as exc:
            return JSONResponse({"code": exc.code, "message": exc.message}, status_code=400)
        name = re.sub(r"[^0-9A-Za-z._-]", "_", f"bao-cao-{unit}-{period}.{format}")
        return Response(data, media_type=FORMATS[format], headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get(API + "/reports/indicators", summary="Bộ chỉ số của tỉnh: một đơn vị hoặc 'all' (JSON)")
    def indicator_report(request: Request, period: str, unit: str = "all") -> Response:
        from desktop.errors import UserError
        from province.reports import indicators

        web_auth.audited(hub, request, web_auth.principal(hub, request), personal=False)  # counts only, no names
        try:
            return JSONResponse(indicators(hub, unit=unit, period=period))
        except UserError as exc:
            return JSONResponse({"code": exc.code, "message": exc.message}, status_code=400)


def _page_routes(app: FastAPI, hub: Hub) -> None:
    """The HTML pages and the API description, behind the same sign-in."""
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/units", response_class=HTMLResponse, include_in_schema=False)
    def page(request: Request) -> HTMLResponse:
        web_auth.audited(hub, request, web_auth.principal(hub, request, page=True), personal=False)
        return HTMLResponse(render_units(hub.meta("name") or LABELS["province_hub"], views.all_units(hub)))

    @app.get("/openapi.json", include_in_schema=False)
    def openapi(request: Request) -> JSONResponse:
        web_auth.principal(hub, request)
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        from fastapi.openapi.docs import get_swagger_ui_html

        web_auth.principal(hub, request, page=True)
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Một Cửa Offline — API máy chủ tỉnh")


def _moment(value: Any) -> str:
    """«16:00 20/11/2026», as the desk writes moments; the raw value if it is not an ISO moment."""
    if not value:
        return "chưa có"
    try:
        return datetime.fromisoformat(str(value)).strftime("%H:%M %d/%m/%Y")
    except ValueError:
        return str(value)


def render_units(title: str, units: list[dict[str, Any]]) -> str:
    """A read-only page: one row per unit. Everything shown is escaped."""
    e = html.escape
    rows = []
    for u in units:
        last = u["last_batch"] or {}
        gaps = ", ".join(f"{g['seq_from']}–{g['seq_to']}" for g in u["gaps"]) or "không"
        rows.append(f"<tr><td>{e(u['unit_code'])}</td><td>{e(u['unit_name'])}</td><td>{u['batches']}</td>"
                    f"<td>{e(_moment(last.get('imported_at')))}</td><td>{e(', '.join(u['app_versions']))}</td>"
                    f"<td>{e(gaps)}</td><td>{u['pending_conflicts']}</td></tr>")
    body = "".join(rows) or '<tr><td colspan="7">Chưa có đơn vị nào gửi dữ liệu.</td></tr>'
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{e(title)}</title>'
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #999;padding:4px 8px}</style></head><body>"
            f"<h1>{e(title)} — tình trạng đồng bộ</h1><table><thead><tr><th>Mã đơn vị</th><th>Tên đơn vị</th>"
            "<th>Số gói</th><th>Gói gần nhất</th><th>Phiên bản phần mềm</th><th>Thứ tự bị thiếu</th>"
            f"<th>Xung đột chờ xử lý</th></tr></thead><tbody>{body}</tbody></table>"
            '<p><a href="/docs">Tài liệu API</a></p><form method="post" action="/logout">'
            '<button type="submit">Đăng xuất</button></form></body></html>')


CONFIG_ENV = "MOTCUA_HUB_SERVER_CONFIG"


def app_from_env() -> FastAPI:
    """The app factory each uvicorn worker process calls: its configuration comes from the environment
    (nothing is shared in memory between workers; the database is the only shared state)."""
    import json

    return create_app(ServerConfig(**json.loads(os.environ[CONFIG_ENV])))


def serve(config: ServerConfig, *, host: str = "127.0.0.1", port: int = 8765, workers: int = 1,
          tls_cert: str | None = None, tls_key: str | None = None, appliers: int | None = None) -> None:
    """Bind 127.0.0.1 unless told otherwise; with a certificate and key, serve HTTPS (uvicorn's own TLS).
    Stored batches are applied by ``appliers`` apply-worker processes started beside (issue 14)."""
    import uvicorn

    from desktop.errors import UserError

    if bool(tls_cert) != bool(tls_key):
        raise UserError("Cần cả --tls-cert và --tls-key để chạy HTTPS.", field="tls-cert")
    for option, path in (("tls-cert", tls_cert), ("tls-key", tls_key)):
        if path and not Path(path).is_file():
            raise UserError(f"Không thấy tệp {path} (--{option}).", field=option)
    config.tls = bool(tls_cert)
    scheme = "https" if config.tls else "http"
    print(f"Máy chủ tỉnh đang chạy tại {scheme}://{host}:{port}/ (tài liệu API: /docs). Ctrl+C để dừng.")
    if not config.tls and host not in ("127.0.0.1", "localhost", "::1"):
        print("Cảnh báo: máy chủ nghe trên mạng mà không có HTTPS; mật khẩu và dữ liệu đi qua mạng không được mã hóa. "
              "Dùng --tls-cert/--tls-key hoặc đặt sau một reverse proxy HTTPS.")
    options: dict[str, Any] = {"host": host, "port": port, "timeout_keep_alive": 15, "limit_concurrency": 512,
                               "log_level": "warning", "access_log": False}
    if config.tls:
        options.update(ssl_certfile=tls_cert, ssl_keyfile=tls_key)
    if workers > 1 and not str(config.db_url or "").startswith("postgresql"):
        raise UserError("Chỉ chạy nhiều tiến trình (--workers) với PostgreSQL; SQLite chỉ có một tiến trình ghi.",
                        field="workers", code="workers_need_postgresql")
    count = apply_workers.default_count(config.db_url) if appliers is None else max(0, appliers)
    config.applier = "workers"
    app = create_app(config)  # schema created/upgraded once, before any worker starts
    supervisor = apply_workers.Supervisor(apply_workers.worker_command(config.db_url, config.data_dir), count).start()
    try:
        if workers <= 1:
            uvicorn.run(app, **options)
            return
        import json
        from dataclasses import asdict

        from province import serve_workers

        app.state.hub.dispose()
        os.environ[CONFIG_ENV] = json.dumps(asdict(config), default=str)
        if serve_workers.available():  # one listening socket per process: connections spread evenly
            serve_workers.run(options, workers)
        else:
            uvicorn.run("province.server:app_from_env", factory=True, workers=workers, **options)
    finally:
        supervisor.stop()
