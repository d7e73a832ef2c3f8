"""``survey add``, ``queue ticket|call|link|stats``, ``digitisation tracker|reusable`` and
``dossier digitise`` (added to the core ``dossier`` group from here, so the core file is untouched).
"""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.app import CliApp
from desktop.errors import UserError
from desktop.formatting import percent
from desktop.platform.arguments import command, group
from desktop.rules.survey_forms import DEFAULT_FORM, OVERALL_LABELS, OVERALL_VALUES
from desktop.rules.validation import parse_date, parse_moment


def _common(p: argparse.ArgumentParser, *, at: bool = True) -> None:
    if at:
        p.add_argument("--at", help="thời điểm, ISO 8601 (mặc định: bây giờ)")
    p.add_argument("--json", action="store_true")


def _window(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", required=True, help="ngày đầu kỳ (YYYY-MM-DD), tính cả ngày này")
    p.add_argument("--to", dest="end", required=True, help="ngày cuối kỳ (YYYY-MM-DD), tính cả ngày này")
    p.add_argument("--json", action="store_true")


def _dossier_group(sub: argparse._SubParsersAction) -> argparse._SubParsersAction | None:  # type: ignore[type-arg]
    parser = sub.choices.get("dossier")
    if parser is None:
        return None
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    dossier_group = _dossier_group(sub)
    if dossier_group is not None:
        dig = command(dossier_group, "digitise", run_digitise, "số hóa thành phần hồ sơ hoặc kết quả")
        dig.add_argument("code", help="mã hồ sơ")
        which = dig.add_mutually_exclusive_group(required=True)
        which.add_argument("--component", type=int, metavar="N",
                           help="số thứ tự thành phần (1, 2, … như in trên giấy tiếp nhận và 'dossier show')")
        which.add_argument("--result", action="store_true", help="số hóa kết quả giải quyết")
        dig.add_argument("--code", dest="digit_code", help="mã số hóa (mặc định: sinh theo mẫu trong cài đặt)")
        dig.add_argument("--file", help="tệp bản quét PDF/JPG/PNG")
        dig.add_argument("--reused-from", help="mã số hóa (hoặc mã hồ sơ) của giấy tờ đã số hóa được dùng lại")
        dig.add_argument("--national-portal", action="store_true", help="dùng lại từ Cổng dịch vụ công quốc gia")
        dig.add_argument("--undo", action="store_true", help="bỏ đánh dấu đã số hóa")
        _common(dig)

    ds = group(sub, "digitisation", "theo dõi số hóa hồ sơ")
    tr = command(ds, "tracker", run_tracker, "bảng theo dõi số hóa theo lĩnh vực (kiểu Quyết định 766)")
    _window(tr)
    ru = command(ds, "reusable", run_reusable,
                 "giấy tờ đã số hóa của công dân (theo số định danh) để dùng lại", json=True)
    ru.add_argument("id_number")

    ss = group(sub, "survey", "khảo sát mức độ hài lòng")
    add = command(ss, "add", run_survey_add, "nhập một phiếu khảo sát")
    add.add_argument("--dossier", help="mã hồ sơ (bỏ trống: phiếu không gắn hồ sơ)")
    add.add_argument("--overall", required=True, choices=OVERALL_VALUES, help="đánh giá chung")
    add.add_argument("--answer", action="append", default=[], metavar="CÂU=GIÁ_TRỊ",
                     help="trả lời một tiêu chí, ví dụ can_bo=rat_hai_long (lặp lại được)")
    add.add_argument("--comment")
    add.add_argument("--form", default=DEFAULT_FORM)
    add.add_argument("--form-version", type=int)
    add.add_argument("--source", default="officer", choices=("officer", "kiosk"))
    _common(add)
    summ = command(ss, "summary", run_survey_summary, "tỷ lệ hài lòng trong kỳ")
    _window(summ)

    qs = group(sub, "queue", "lấy số thứ tự và thời gian chờ")
    t = command(qs, "ticket", run_ticket, "cấp số thứ tự mới")
    _common(t)
    c = command(qs, "call", run_call, "gọi số (một số cụ thể hoặc 'next')")
    c.add_argument("ticket", help="số thứ tự trong ngày, hoặc next")
    _common(c)
    lk = command(qs, "link", run_link, "gắn số thứ tự đã gọi với hồ sơ vừa tiếp nhận", json=True)
    lk.add_argument("ticket", type=int)
    lk.add_argument("dossier")
    st = command(qs, "stats", run_queue_stats, "thời gian chờ trung bình và phân vị 90")
    _window(st)
    st.add_argument("--by", choices=("day", "month"), help="thêm chuỗi theo ngày hoặc tháng")


def _emit(args: argparse.Namespace, data: Any, message: str) -> int:
    from desktop.platform.console import emit

    return emit(args.json, data, message)


def run_digitise(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.services import digitisation

    with app.transaction() as session:
        if args.result:
            if args.reused_from or args.national_portal:
                raise UserError("Kết quả giải quyết không dùng --reused-from hay --national-portal.", field="result")
            dossier = digitisation.digitise_result(session, args.code, digitised=not args.undo, code=args.digit_code,
                                                   file=args.file, at=parse_moment(args.at))
            data = digitisation.result_json(dossier)
            message = (f"Đã bỏ đánh dấu số hóa kết quả hồ sơ {dossier.code}." if args.undo else
                       f"Đã số hóa kết quả hồ sơ {dossier.code}: mã {dossier.result_code}.")
        else:
            component = digitisation.digitise_component(
                session, args.code, args.component, digitised=not args.undo, code=args.digit_code, file=args.file,
                reused_from=args.reused_from, national_portal=args.national_portal, at=parse_moment(args.at))
            data = {"code": args.code.strip()} | digitisation.component_json(component)
            message = (f"Đã bỏ đánh dấu số hóa thành phần {args.component}." if args.undo else
                       f"Đã số hóa thành phần {args.component} ({component.name}): mã {component.component_code}.")
    return _emit(args, data, message)


def run_tracker(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.reports.digitisation import digitisation_tracker

    with app.reading() as session:
        data = digitisation_tracker(session, parse_date(args.start, "from"), parse_date(args.end, "to"))
    total = data["total"]
    return _emit(args, data, f"Tiếp nhận {total['received']}, có thành phần số hóa {total['with_digitised_components']} "
                             f"({percent(total['component_rate']) or '—'}); "
                             f"giải quyết {total['resolved']}, kết quả số hóa {total['results_digitised']}.")


def run_reusable(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.services import digitisation

    with app.reading() as session:
        docs = digitisation.reusable_documents(session, args.id_number)
    lines = "\n".join(f"{d.component_code or '—':40} {d.name} (hồ sơ {d.dossier_code})" for d in docs)
    return _emit(args, [d.to_json() for d in docs], lines or "Không có giấy tờ đã số hóa để dùng lại.")


def _answers(args: argparse.Namespace) -> dict[str, Any]:
    answers: dict[str, Any] = {"overall": args.overall}
    for item in args.answer:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"'--answer {item}' phải có dạng CÂU=GIÁ_TRỊ.", field="answer")
        answers[key.strip()] = value.strip()
    return answers


def run_survey_add(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.services import surveys

    with app.transaction() as session:
        answer = surveys.record_answer(session, _answers(args), form_id=args.form, version=args.form_version,
                                       dossier_code=args.dossier, source=args.source, at=parse_moment(args.at),
                                       comment=args.comment)
    return _emit(args, answer.to_json(), f"Đã ghi nhận phiếu khảo sát: {OVERALL_LABELS[args.overall]}.")


def run_survey_summary(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.services import surveys

    start, end = parse_date(args.start, "from"), parse_date(args.end, "to")
    with app.reading() as session:
        data = surveys.satisfaction(session, start, end) | {
            "by_field": surveys.satisfaction_by_field(session, start, end),
            "quarterly": surveys.quarterly_evaluation(session, start, end)}
    rate = data["rate"]
    return _emit(args, data, f"{data['answers']} phiếu; tỷ lệ hài lòng {percent(rate) or '—'}.")


def run_ticket(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.services import queue

    with app.transaction() as session:
        ticket = queue.take_ticket(session, at=parse_moment(args.at))
    return _emit(args, ticket.to_json(), f"Số thứ tự {ticket.number} — lấy lúc {ticket.arrived_at:%H:%M}.")


def run_call(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.services import queue

    moment = parse_moment(args.at)
    with app.transaction() as session:
        if args.ticket.strip().lower() == "next":
            ticket = queue.call_next(session, at=moment)
            if ticket is None:
                raise UserError("Không còn ai chờ.", field="ticket")
        else:
            if not args.ticket.strip().isdigit():
                raise UserError(f"Số thứ tự '{args.ticket}' không hợp lệ; nhập một số hoặc 'next'.", field="ticket")
            ticket = queue.call_ticket(session, int(args.ticket), at=moment)
    return _emit(args, ticket.to_json(), f"Mời số {ticket.number}; đã chờ {ticket.waiting_minutes} phút.")


def run_link(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.services import queue

    with app.transaction() as session:
        ticket = queue.link_dossier(session, args.ticket, args.dossier)
    return _emit(args, ticket.to_json(), f"Đã gắn số {ticket.number} với hồ sơ {ticket.dossier_code}.")


def run_queue_stats(args: argparse.Namespace, app: CliApp) -> int:
    from desktop.services import queue

    start, end = parse_date(args.start, "from"), parse_date(args.end, "to")
    with app.reading() as session:
        data = queue.waiting_stats(session, start, end)
        if args.by:
            data["series"] = queue.waiting_series(session, start, end, by=args.by)
    avg = data["avg_minutes"]
    return _emit(args, data, f"{data['tickets']} lượt, {data['served']} đã phục vụ; chờ trung bình "
                             f"{avg if avg is not None else '—'} phút, P90 {data['p90_minutes'] or '—'} phút.")
