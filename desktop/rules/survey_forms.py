"""Questionnaires as data: ``resources/surveys/<id>.v<N>.json`` plus versions the province pushed
into ``<data folder>/surveys/``. Validated on load; a bad file is a Vietnamese error naming it.

Two kinds: ``per_dossier`` (must have the 3-level ``overall`` question) and ``quarterly`` (score
questions, the 9-indicator 18-point evaluation).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.errors import NotFound, UserError
from desktop.platform.paths import data_dir, resources_dir
from desktop.texts import LABELS

DEFAULT_FORM = "hai_long_ho_so"
QUARTERLY_FORM = "danh_gia_quy_18_diem"
OVERALL = "overall"
OVERALL_VALUES = ("rat_hai_long", "hai_long", "khong_hai_long")
OVERALL_LABELS = {"rat_hai_long": LABELS["very_satisfied"], "hai_long": LABELS["satisfied"],
                  "khong_hai_long": LABELS["dissatisfied"]}
KINDS = ("per_dossier", "quarterly")
TYPES = ("choice", "score", "text")
MAX_TEXT = 2000


@dataclass(frozen=True)
class Option:
    value: Any
    label: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: str
    required: bool
    options: tuple[Option, ...] = ()

    def allowed(self) -> tuple[Any, ...]:
        return tuple(o.value for o in self.options)


@dataclass(frozen=True)
class SurveyForm:
    id: str
    version: int
    kind: str
    title: str
    intro: str
    thanks: str
    questions: tuple[Question, ...]

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise UserError(f"Phiếu '{self.id}' (phiên bản {self.version}) không có câu hỏi '{qid}'.", field=qid)


def _bad(origin: str, why: str) -> UserError:
    return UserError(f"Mẫu phiếu khảo sát '{origin}' không hợp lệ: {why}.", field="survey_form")


def parse_form(data: Any, origin: str) -> SurveyForm:
    if not isinstance(data, dict):
        raise _bad(origin, "nội dung phải là một đối tượng JSON")
    fid, version, kind = data.get("id"), data.get("version"), data.get("kind")
    if not isinstance(fid, str) or not fid or not fid.replace("_", "").isalnum() or not fid.isascii():
        raise _bad(origin, "thiếu mã phiếu 'id' (chữ không dấu, chữ số, gạch dưới)")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _bad(origin, "'version' phải là số nguyên từ 1")
    if kind not in KINDS:
        raise _bad(origin, f"'kind' phải là một trong {', '.join(KINDS)}")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise _bad(origin, "thiếu tiêu đề 'title'")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise _bad(origin, "danh sách câu hỏi 'questions' trống")
    questions: list[Question] = []
    for index, raw in enumerate(raw_questions, 1):
        questions.append(_parse_question(raw, index, origin))
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise _bad(origin, "có mã câu hỏi trùng nhau")
    if kind == "per_dossier":
        overall = next((q for q in questions if q.id == OVERALL), None)
        if overall is None or overall.type != "choice" or set(overall.allowed()) != set(OVERALL_VALUES):
            raise _bad(origin, "phiếu theo hồ sơ phải có câu 'overall' với 3 mức rat_hai_long, hai_long, khong_hai_long")
    if kind == "quarterly" and not any(q.type == "score" for q in questions):
        raise _bad(origin, "phiếu đánh giá theo quý phải có câu hỏi chấm điểm (type 'score')")
    return SurveyForm(fid, version, kind, title.strip(), str(data.get("intro") or ""),
                      str(data.get("thanks") or "Cảm ơn ông/bà!"), tuple(questions))


def _parse_question(raw: Any, index: int, origin: str) -> Question:
    if not isinstance(raw, dict):
        raise _bad(origin, f"câu hỏi thứ {index} không đúng cấu trúc")
    qid, qtype, text = raw.get("id"), raw.get("type"), raw.get("text")
    if not isinstance(qid, str) or not qid:
        raise _bad(origin, f"câu hỏi thứ {index} thiếu 'id'")
    if qtype not in TYPES:
        raise _bad(origin, f"câu hỏi '{qid}' có kiểu '{qtype}' không hỗ trợ ({', '.join(TYPES)})")
    if not isinstance(text, str) or not text.strip():
        raise _bad(origin, f"câu hỏi '{qid}' thiếu nội dung 'text'")
    options: tuple[Option, ...] = ()
    if qtype == "choice":
        raw_options = raw.get("options")
        if not isinstance(raw_options, list) or len(raw_options) < 2:
            raise _bad(origin, f"câu hỏi '{qid}' cần ít nhất 2 lựa chọn")
        try:
            options = tuple(Option(o["value"], str(o["label"])) for o in raw_options)
        except (TypeError, KeyError):
            raise _bad(origin, f"lựa chọn của câu hỏi '{qid}' phải có 'value' và 'label'") from None
        if len({o.value for o in options}) != len(options):
            raise _bad(origin, f"câu hỏi '{qid}' có lựa chọn trùng nhau")
    elif qtype == "score":
        low, high = raw.get("min", 0), raw.get("max")
        if not isinstance(low, int) or not isinstance(high, int) or not 0 <= low < high <= 10:
            raise _bad(origin, f"câu hỏi '{qid}' cần 'min' < 'max' (số nguyên 0–10)")
        options = tuple(Option(v, f"{v} điểm") for v in range(high, low - 1, -1))
    return Question(qid, qtype, text.strip(), bool(raw.get("required", False)), options)


def _folders() -> list[Path]:
    return [resources_dir() / "surveys", data_dir() / "surveys"]


def load_forms() -> dict[str, dict[int, SurveyForm]]:
    """Every form version found, by id then version. A file whose id/version disagrees with another's is an error."""
    forms: dict[str, dict[int, SurveyForm]] = {}
    for folder in _folders():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise _bad(path.name, f"không đọc được JSON ({exc})") from None
            form = parse_form(data, path.name)
            existing = forms.setdefault(form.id, {}).get(form.version)
            if existing is not None and existing != form:
                raise _bad(path.name, f"phiên bản {form.version} của phiếu '{form.id}' đã có với nội dung khác; "
                                      "mỗi thay đổi phải tăng số phiên bản")
            forms[form.id][form.version] = form
    return forms


def get_form(form_id: str = DEFAULT_FORM, version: int | None = None) -> SurveyForm:
    versions = load_forms().get(form_id)
    if not versions:
        raise NotFound(f"Không có mẫu phiếu khảo sát '{form_id}'.", field="form")
    if version is None:
        return versions[max(versions)]
    if version not in versions:
        raise NotFound(f"Phiếu '{form_id}' không có phiên bản {version}.", field="form")
    return versions[version]
