"""``dossier receive|start|supplement-request|supplement-received|result|return|withdraw|apology|refuse|show|list``
and, for a dossier received for another body (issue #15), ``dossier transfer|result-received``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from desktop.cli.app import CliApp
from desktop.db.models import Dossier
from desktop.platform import clock
from desktop.platform.arguments import command, group
from desktop.rules.lifecycle import STATUS_LABELS, Status
from desktop.rules.validation import PAYMENT_METHODS, parse_date, parse_moment
from desktop.services import dossiers, forwarding, queries
from desktop.texts import ACTION_LABELS


def _at(p: argparse.ArgumentParser) -> None:
    p.add_argument("--at", help="thời điểm thực hiện, ISO 8601 (mặc định: bây giờ)")
    p.add_argument("--json", action="store_true")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = group(sub, "dossier", "tiếp nhận và theo dõi hồ sơ")

    _add_receive(s)
    _add_lifecycle(s)
    _add_refusal_and_lookups(s)


def _add_receive(s: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rec = command(s, "receive", run_receive, "tiếp nhận hồ sơ")
    rec.add_argument("--procedure", required=True, help="mã TTHC")
    rec.add_argument("--applicant", required=True, help="họ tên người nộp")
    rec.add_argument("--id-number", help="số định danh cá nhân (12 chữ số)")
    rec.add_argument("--phone")
    rec.add_argument("--email")
    rec.add_argument("--address")
    rec.add_argument("--organisation")
    rec.add_argument("--channel", default="direct", help="direct | postal | online")
    rec.add_argument("--sets", type=int, default=1, help="số bộ hồ sơ")
    rec.add_argument("--notes")
    rec.add_argument("--return-by-post", action="store_true")
    rec.add_argument("--payment", choices=("none",) + PAYMENT_METHODS, default=None,
                     help="hình thức nộp phí: cash (tiền mặt), bank_transfer (chuyển khoản), "
                          "online (trực tuyến qua Cổng DVC); bỏ trống nếu không thu phí")
    rec.add_argument("--resolver", help="cơ quan giải quyết: mã xã/phường (5 chữ số) hoặc mã cơ quan cấp tỉnh "
                                        "(mặc định: theo danh mục thủ tục, thường là chính đơn vị này)")
    _at(rec)


def _add_lifecycle(s: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The steps on a received dossier, each naming it by code (``--at`` for a back-dated entry)."""
    for name, helptext, handler in (
        ("start", "chuyển hồ sơ sang giải quyết", run_start),
        ("supplement-received", "nhận hồ sơ đã bổ sung đầy đủ", run_supplement_received),
        ("return", "trả kết quả cho công dân", run_return),
        ("withdraw", "công dân rút hồ sơ", run_withdraw),
    ):
        cmd = command(s, name, handler, helptext)
        cmd.add_argument("code")
        if name == "withdraw":
            cmd.add_argument("--reason")
        if name == "return":
            cmd.add_argument("--by-post", action="store_true", default=None,
                             help="trả kết quả qua dịch vụ bưu chính công ích")
        _at(cmd)

    sup = command(s, "supplement-request", run_supplement_request, "yêu cầu bổ sung, hoàn thiện hồ sơ")
    sup.add_argument("code")
    sup.add_argument("--items", required=True, help="các nội dung cần bổ sung, cách nhau bởi ';'")
    sup.add_argument("--reason")
    _at(sup)

    res = command(s, "result", run_result, "ghi nhận kết quả giải quyết")
    res.add_argument("code")
    res.add_argument("--rejected", action="store_true", help="không giải quyết (phải có --reason)")
    res.add_argument("--reason")
    _at(res)

    tra = command(s, "transfer", run_transfer, ACTION_LABELS["transfer"])
    tra.add_argument("code")
    tra.add_argument("--via", default="hub",
                     help="hub: qua máy chủ tỉnh; post: bưu chính; hand: chuyển trực tiếp (mặc định: hub)")
    _at(tra)

    back = command(s, "result-received", run_result_received, ACTION_LABELS["result_received"])
    back.add_argument("code")
    back.add_argument("--rejected", action="store_true", help="không giải quyết (phải có --reason)")
    back.add_argument("--reason")
    _at(back)

    apo = command(s, "apology", run_apology, "phiếu xin lỗi và hẹn lại ngày trả kết quả")
    apo.add_argument("code")
    apo.add_argument("--new-date", required=True)
    apo.add_argument("--reason", required=True)
    _at(apo)


def _add_refusal_and_lookups(s: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ref = command(s, "refuse", run_refuse, "từ chối tiếp nhận hồ sơ")
    ref.add_argument("--procedure", required=True)
    ref.add_argument("--applicant", required=True)
    ref.add_argument("--id-number")
    ref.add_argument("--phone")
    ref.add_argument("--address")
    ref.add_argument("--reason", required=True)
    ref.add_argument("--channel", default="direct")
    _at(ref)

    show = command(s, "show", run_show, "xem chi tiết hồ sơ", json=True)
    show.add_argument("code")

    pay = command(s, "payment", run_payment, "ghi nhận hình thức nộp phí, lệ phí của hồ sơ", json=True)
    pay.add_argument("code")
    pay.add_argument("--method", required=True, choices=("none",) + PAYMENT_METHODS)

    lst = command(s, "list", run_list, "danh sách hồ sơ", json=True)
    lst.add_argument("--status")
    lst.add_argument("--search")
    lst.add_argument("--limit", type=int, default=0, help="số dòng tối đa (0 = tất cả)")


def _summary(dossier: Dossier) -> dict[str, Any]:
    return queries.dossier_json(dossier)


def _print(args: argparse.Namespace, summary: dict[str, Any], message: str) -> int:
    """``summary`` is read inside the transaction (the resolving body is judged against this desk's unit)."""
    from desktop.platform.console import emit_json

    if getattr(args, "json", False):
        emit_json(summary)
    else:
        print(message)
    return 0


def _when(moment: Any) -> str:
    return f"{clock.to_vn(moment):%H:%M ngày %d/%m/%Y}" if moment else "—"


def run_receive(args: argparse.Namespace, app: CliApp) -> int:
    reception = dossiers.Reception(
        procedure_code=args.procedure,
        applicant=dossiers.Applicant(name=args.applicant, id_number=args.id_number, phone=args.phone,
                                     email=args.email, address=args.address, organisation=args.organisation),
        channel=args.channel, sets_count=args.sets, at=parse_moment(args.at), notes=args.notes,
        return_by_post=args.return_by_post, payment_method=args.payment, resolver=args.resolver,
    )
    with app.transaction() as session:
        dossier = dossiers.receive(session, reception)
        summary = _summary(dossier)
    return _print(args, summary, f"Đã tiếp nhận hồ sơ {dossier.code}; hẹn trả kết quả lúc {_when(dossier.due_at)}.")


Step = Callable[[Session, argparse.Namespace], Dossier]


def _step(call: Step, message: str) -> Callable[[argparse.Namespace, CliApp], int]:
    """A lifecycle command: one service call in one transaction, then the dossier (``--json``) or a line
    naming it (``{code}``, ``{due}`` filled in)."""

    def run(args: argparse.Namespace, app: CliApp) -> int:
        with app.transaction() as session:
            dossier = call(session, args)
            summary = _summary(dossier)
        return _print(args, summary, message.format(code=dossier.code, due=_when(dossier.due_at)))

    return run


def _requested_supplement(session: Session, args: argparse.Namespace) -> Dossier:
    dossiers.request_supplement(session, args.code, items=args.items, reason=args.reason, at=parse_moment(args.at))
    return dossiers.get_dossier(session, args.code)


def _on_code(call: Callable[..., Dossier], *names: str) -> Step:
    """``call(session, code, at=--at, name=--name …)``: a step on the dossier named by code, with the
    command's ``names`` options passed through."""
    return lambda s, a: call(s, a.code, at=parse_moment(a.at), **{name: getattr(a, name) for name in names})


run_start = _step(_on_code(dossiers.start), "Hồ sơ {code} đã chuyển giải quyết.")
run_supplement_request = _step(_requested_supplement,
                               "Đã ghi nhận yêu cầu bổ sung cho hồ sơ {code}; tạm dừng tính thời hạn.")
run_supplement_received = _step(_on_code(dossiers.receive_supplement),
                                "Đã nhận hồ sơ bổ sung {code}; hẹn trả mới lúc {due}.")
run_result = _step(_on_code(dossiers.record_result, "rejected", "reason"), "Đã ghi nhận kết quả hồ sơ {code}.")
run_return = _step(_on_code(dossiers.return_result, "by_post"), "Đã trả kết quả hồ sơ {code}.")
run_payment = _step(lambda s, a: dossiers.record_payment(s, a.code, a.method),
                    "Đã ghi nhận hình thức nộp phí của hồ sơ {code}.")
run_transfer = _step(_on_code(forwarding.transfer, "via"), "Đã chuyển hồ sơ {code} đến cơ quan giải quyết.")
run_result_received = _step(_on_code(forwarding.result_received, "rejected", "reason"),
                            "Đã nhận kết quả hồ sơ {code} từ cơ quan giải quyết; chờ trả cho công dân.")
run_withdraw = _step(_on_code(dossiers.withdraw, "reason"), "Hồ sơ {code} đã được rút.")


def run_apology(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit

    with app.transaction() as session:
        apology = dossiers.issue_apology(session, args.code, new_date=parse_date(args.new_date, "new_date"),
                                         reason=args.reason, at=parse_moment(args.at))
        dossier = dossiers.get_dossier(session, args.code)
        out = _summary(dossier) | {"apology": {"new_appointment": apology.new_appointment.isoformat(),
                                               "reason": apology.reason, "issued_at": clock.iso(apology.issued_at)}}
    return emit(args.json, out,
                f"Đã lập phiếu xin lỗi cho hồ sơ {args.code}; hẹn lại ngày {apology.new_appointment:%d/%m/%Y}.")


def run_refuse(args: argparse.Namespace, app: CliApp) -> int:
    with app.transaction() as session:
        dossier = dossiers.refuse(
            session, procedure_code=args.procedure,
            applicant=dossiers.Applicant(name=args.applicant, id_number=args.id_number, phone=args.phone,
                                         address=args.address),
            reason=args.reason, at=parse_moment(args.at), channel=args.channel,
        )
        summary = _summary(dossier)
    return _print(args, summary, f"Đã ghi nhận từ chối tiếp nhận ({dossier.code}).")


def run_show(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_json

    with app.reading() as session:
        detail = queries.dossier_detail(session, args.code)
    if args.json:
        emit_json(detail.to_json())
        return 0
    d = detail.data
    print(f"Hồ sơ {d['code']} — {d['procedure_name']}")
    print(f"  Người nộp: {d['applicant_name']}  Trạng thái: {STATUS_LABELS[Status(d['status'])]}")
    print(f"  Tiếp nhận: {d['received_at']}  Hẹn trả: {d['due_at']}  Phân loại: {d['classification'] or '—'}")
    body = d["resolving_body"]
    if not body["is_this_unit"]:
        print(f"  Cơ quan giải quyết: {body['name']} ({body['code']})  Đơn vị tiếp nhận: {d['receiving_unit']}")
    for event in detail.events:
        print(f"  {event['at']}  {event['kind']}  {event['note'] or ''}")
    return 0


def run_list(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.platform.console import emit_rows

    with app.reading() as session:
        rows = queries.list_dossiers(session, queries.DossierFilter(status=args.status, search=args.search),
                                     limit=args.limit if args.limit > 0 else None)
    return emit_rows(args.json, rows, lambda row: f"{row.code:32} {row.applicant_name:28} "
                                                  f"{STATUS_LABELS[Status(row.status)]}")
