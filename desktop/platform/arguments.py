"""Command lines in Vietnamese: argparse's own words (usage, options, its error messages) translated, and
one parser class whose errors read «Lỗi: …» — shared by ``python -m desktop`` and ``python -m province``.

argparse looks its messages up through ``gettext`` at the moment it uses them; pointing its lookup at
this table (and at English for anything not in it) translates every parser built afterwards.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, NoReturn

MESSAGES = {
    "usage: ": "Cách dùng: ",
    "options": "tùy chọn",
    "positional arguments": "tham số bắt buộc theo vị trí",
    "show this help message and exit": "xem hướng dẫn này rồi thoát",
    "show program's version number and exit": "xem số phiên bản rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "lựa chọn %(value)r không hợp lệ (chọn một trong: %(choices)s)",
    "unrecognized arguments: %s": "không hiểu tham số: %s",
    "expected one argument": "cần đúng một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không hợp lệ (cần kiểu %(type)s)",
    "not allowed with argument %s": "không dùng cùng với %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn %(option)s không rõ: có thể là %(matches)s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "unexpected option string: %s": "tùy chọn không mong đợi: %s",
    "can't open '%(filename)s': %(error)s": "không mở được tệp '%(filename)s': %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "không có lệnh %(parser_name)r (chọn một trong: %(choices)s)",
}
# The placeholder an option's value shows in usage when its parser gave none (argparse would print the
# option's English name in capitals: «--procedure PROCEDURE»).
METAVARS = {
    "address": "ĐỊA_CHỈ", "agency_id": "MÃ_CƠ_QUAN", "applicant": "HỌ_TÊN", "at": "THỜI_ĐIỂM", "attempts": "SỐ_LẦN",
    "catalog": "TỆP_DANH_MỤC", "channel": "KÊNH", "code": "MÃ_HỒ_SƠ", "comment": "GÓP_Ý", "data_dir": "THƯ_MỤC",
    "codes": "MÃ_HỒ_SƠ", "set_file": "TỆP", "staff": "TÊN_ĐĂNG_NHẬP", "rotate_keys": "NGÀY", "date": "NGÀY", "date_from": "TỪ_NGÀY", "date_to": "ĐẾN_NGÀY", "day": "NGÀY", "db": "TỆP_CSDL", "db_url": "URL",
    "device_id": "MÃ_MÁY", "digit_code": "MÃ_SỐ_HÓA", "dossier": "MÃ_HỒ_SƠ", "dossiers": "SỐ_HỒ_SƠ",
    "email": "THƯ_ĐIỆN_TỬ", "end": "ĐẾN_NGÀY", "file": "TỆP", "form": "MẪU_PHIẾU", "form_version": "PHIÊN_BẢN",
    "forms": "THƯ_MỤC", "holidays": "TỆP", "host": "ĐỊA_CHỈ", "id_number": "SỐ_ĐỊNH_DANH", "in_dir": "THƯ_MỤC",
    "indicators": "TỆP", "items": "NỘI_DUNG", "keys_out": "THƯ_MỤC", "limit": "SỐ_DÒNG", "mapping": "TỆP",
    "max_body_mb": "MB", "medium": "NƠI_GHI", "min_app_version": "PHIÊN_BẢN", "months": "SỐ_THÁNG", "name": "TÊN",
    "new_date": "NGÀY", "notes": "GHI_CHÚ", "officer": "TÊN_ĐĂNG_NHẬP", "organisation": "TỔ_CHỨC", "out": "TỆP",
    "paper": "KHỔ_GIẤY", "parent_code": "MÃ_ĐƠN_VỊ", "password": "MẬT_KHẨU", "pdf": "TỆP_PDF", "period": "KỲ",
    "phone": "ĐIỆN_THOẠI", "port": "CỔNG", "procedure": "MÃ_TTHC", "province_key": "TỆP_KHÓA", "reason": "LÝ_DO",
    "receipts": "THƯ_MỤC", "receipts_from": "THƯ_MỤC", "receipts_out": "THƯ_MỤC", "reused_from": "MÃ",
    "revoked": "TỆP", "search": "TỪ_KHÓA", "seed": "SỐ", "seq_range": "KHOẢNG", "sets": "SỐ_BỘ", "sheet": "TRANG_TÍNH",
    "start": "TỪ_NGÀY", "status": "TRẠNG_THÁI", "surveys": "THƯ_MỤC", "targets": "TỆP", "ticket": "SỐ_THỨ_TỰ",
    "tls_cert": "TỆP_PEM", "tls_key": "TỆP_PEM", "unit": "MÃ_ĐƠN_VỊ", "unit_code": "MÃ_ĐƠN_VỊ", "unit_name": "TÊN",
    "units": "TỆP", "url": "URL", "username": "TÊN_ĐĂNG_NHẬP", "workers": "SỐ", "xlsx": "TỆP_EXCEL", "year": "NĂM",
}
PLURALS = {("expected %s argument", "expected %s arguments"): "cần %s giá trị"}


def _gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return PLURALS.get((singular, plural), singular if n == 1 else plural)


def install() -> None:
    """Translate argparse from now on (idempotent; parsers built before keep their help texts)."""
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]


class Formatter(argparse.HelpFormatter):
    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return METAVARS.get(action.dest, "GIÁ_TRỊ")

    def _get_default_metavar_for_positional(self, action: argparse.Action) -> str:
        return METAVARS.get(action.dest, action.dest.upper())


class Parser(argparse.ArgumentParser):
    """Usage errors in Vietnamese, exit status 2 as argparse's own; value placeholders in Vietnamese."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def add_subparsers(self, **kwargs: object) -> argparse._SubParsersAction:  # type: ignore[type-arg]
        kwargs.setdefault("metavar", "LỆNH_CON")
        return super().add_subparsers(**kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"Lỗi: tham số không hợp lệ — {message}\n")


install()


def group(sub: argparse._SubParsersAction, name: str, help_text: str,  # type: ignore[type-arg]
          **kwargs: Any) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    """A command group (``sync``, ``dossier`` …): its parser and its sub-commands (dest ``<name>_cmd``)."""
    kwargs.setdefault("dest", f"{name.replace('-', '_')}_cmd")
    kwargs.setdefault("required", True)
    return sub.add_parser(name, help=help_text).add_subparsers(**kwargs)


def command(sub: argparse._SubParsersAction, name: str, handler: Callable[..., int],  # type: ignore[type-arg]
            help_text: str, *, json: bool = False, **kwargs: Any) -> argparse.ArgumentParser:
    """One command: its parser, the handler it runs and, with ``json``, the ``--json`` switch most share."""
    parser = sub.add_parser(name, help=help_text, **kwargs)
    if json:
        parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=handler)
    return parser
