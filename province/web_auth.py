"""The hub's HTTP gate: who is asking (a province account's token, or an enrolled desk's signature), the
log-in routes and page, and what a role may see of a report.

Accounts send ``Authorization: Bearer <token>`` (scripts) or carry the token in an HttpOnly cookie set
by the log-in page (the status page in a browser). Desks never use accounts: the batch PUT is signed
inside the batch and the package GET is signed per request (``desktop.sync.request_auth``).
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select

from desktop.sync import request_auth
from desktop.sync.errors import SyncError
from province import auth
from province.db import Hub
from province.models import HubDevice
from desktop.texts import LABELS

COOKIE = "motcua_hub_token"
LOGIN_BODY_LIMIT = 4096


class Refused(Exception):
    """Raised inside a route: answered as JSON (API) or the log-in page (browser)."""

    def __init__(self, response: Response) -> None:
        super().__init__("refused")
        self.response = response


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""


def principal(hub: Hub, request: Request, *, page: bool = False) -> auth.Principal:
    """The account behind the request, or ``Refused`` with 401 (no applicant data in the answer)."""
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else request.cookies.get(COOKIE, "")
    try:
        if not token:
            raise auth.AuthError("Cần đăng nhập bằng tài khoản của tỉnh.", code="login_required")
        return auth.check_token(hub, token)
    except auth.AuthError as exc:
        if page:
            raise Refused(login_page(hub, message=None if exc.code == "login_required" else exc.message,
                                     status=401)) from None
        raise Refused(JSONResponse({"code": exc.code, "message": exc.message}, status_code=401,
                                   headers={"WWW-Authenticate": "Bearer"})) from None


def audited(hub: Hub, request: Request, who: auth.Principal, *, personal: bool) -> None:
    params = dict(request.query_params)
    auth.audit_read(hub, who, request.url.path, params, personal=personal, client=client_of(request))


def device_request(hub: Hub, request: Request) -> HubDevice:
    """The enrolled, unrevoked device that signed this request, or ``Refused`` with 401/403."""
    device_id = request.headers.get(request_auth.DEVICE_HEADER, "")[:64]
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    with hub.reading() as session:
        device = session.scalar(select(HubDevice).where(HubDevice.device_id == device_id)) if device_id else None
    if device is None:
        raise Refused(JSONResponse({"code": "unknown_device", "message": "Máy chưa đăng ký với tỉnh."},
                                   status_code=401))
    if device.revoked_at is not None:
        raise Refused(JSONResponse({"code": "revoked_device", "message": "Máy này đã bị tỉnh thu hồi quyền đồng bộ."},
                                   status_code=403))
    try:
        request_auth.verify(device.public_key, request.method, target,
                            request.headers.get(request_auth.MOMENT_HEADER, "")[:64],
                            request.headers.get(request_auth.SIGNATURE_HEADER, "")[:128])
    except SyncError as exc:
        raise Refused(JSONResponse({"code": exc.code, "message": exc.message}, status_code=401)) from None
    return device


def register_login(app: FastAPI, hub: Hub, *, secure_cookie: bool) -> None:
    """``POST /api/v1/login`` (JSON, for scripts) and ``GET/POST /login`` (the page), ``POST /logout``."""

    @app.post("/api/v1/login", summary="Đăng nhập bằng tài khoản của tỉnh; trả mã phiên ngắn hạn")
    async def api_login(request: Request) -> Response:
        body = await _small_body(request)
        try:
            import json

            data = json.loads(body or b"{}")
            username, password = str(data.get("username", "")), str(data.get("password", ""))
        except (ValueError, AttributeError):
            return JSONResponse({"code": "bad_request", "message": "Cần JSON {username, password}."}, status_code=400)
        try:
            # in a worker thread: the password hash takes ~0.1 s of CPU and the database is synchronous;
            # on the event loop every other request of this process (pushes too) waited for it
            token, who = await run_in_threadpool(auth.login, hub, username, password, client=client_of(request))
        except auth.AuthError as exc:
            return JSONResponse({"code": exc.code, "message": exc.message}, status_code=exc.status)
        return JSONResponse({"token": token, "token_type": "bearer", "role": who.role,
                             "expires_in": int(auth.TOKEN_TTL.total_seconds())})

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form() -> HTMLResponse:
        return login_page(hub)

    @app.post("/login", include_in_schema=False)
    async def login_submit(request: Request) -> Response:
        form = parse_qs((await _small_body(request)).decode("utf-8", "replace"))
        username, password = (form.get("username") or [""])[0], (form.get("password") or [""])[0]
        try:
            token, _ = await run_in_threadpool(auth.login, hub, username, password, client=client_of(request))
        except auth.AuthError as exc:
            return login_page(hub, message=exc.message, status=exc.status)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, token, max_age=int(auth.TOKEN_TTL.total_seconds()), httponly=True,
                            samesite="lax", secure=secure_cookie)
        return response

    @app.post("/logout", include_in_schema=False)
    def logout() -> Response:
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response


async def _small_body(request: Request) -> bytes:
    out = bytearray()
    async for chunk in request.stream():
        out += chunk
        if len(out) > LOGIN_BODY_LIMIT:
            break
    return bytes(out[:LOGIN_BODY_LIMIT])


def login_page(hub: Hub, *, message: str | None = None, status: int = 200) -> HTMLResponse:
    e = html.escape
    title = hub.meta("name") or LABELS["province_hub"]
    note = f'<p class="err">{e(message)}</p>' if message else ""
    return HTMLResponse(
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{e(title)} — đăng nhập</title>'
        "<style>body{font-family:sans-serif;margin:2em}label{display:block;margin:.5em 0}"
        ".err{color:#b00}</style></head><body>"
        f"<h1>{e(title)}</h1><p>Đăng nhập bằng tài khoản của tỉnh để xem tình trạng đồng bộ.</p>{note}"
        '<form method="post" action="/login"><label>Tên đăng nhập <input name="username" autofocus></label>'
        '<label>Mật khẩu <input name="password" type="password"></label>'
        '<button type="submit">Đăng nhập</button></form></body></html>', status_code=status)
