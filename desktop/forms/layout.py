"""Shared layout of the printed forms: paper, styles, the letterhead with the national motto, the
place-and-date line, signature blocks, Vietnamese date wording, one-page fitting and atomic writes.

Every form is a list of *page builders* (``Styles -> flowables``). :func:`build_pdf` renders each page
at the largest font size that fits one page (long names and many components wrap, never clip), so a
one-page form stays one page whatever the data.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepInFrame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.errors import UserError
from desktop.forms.flowables import QrCode, Rule, qr_code  # noqa: F401  (QrCode, qr_code: re-exported)
from desktop.platform.pdf_fonts import SERIF, register_fonts
from desktop.texts import LABELS

PRODUCER = LABELS["app_name"]


@dataclass(frozen=True)
class Paper:
    """A paper size with the margins of Nghị định 30/2020 (left wide for binding) and the font sizes
    to try, largest first."""

    name: str
    size: tuple[float, float]
    left: float
    right: float
    top: float
    bottom: float
    font_sizes: tuple[float, ...]

    @property
    def frame_width(self) -> float:
        return self.size[0] - self.left - self.right

    @property
    def frame_height(self) -> float:
        return self.size[1] - self.top - self.bottom


PAPERS = {
    "A4": Paper("A4", A4, 25 * mm, 15 * mm, 15 * mm, 15 * mm,
                (13, 12.5, 12, 11.5, 11, 10.5, 10, 9.5, 9, 8.5, 8, 7.5, 7, 6.5, 6)),
    "A5": Paper("A5", A5, 12 * mm, 9 * mm, 9 * mm, 9 * mm, (11, 10.5, 10, 9.5, 9, 8.5, 8, 7.5, 7, 6.5, 6, 5.5)),
}
LANDSCAPE_A4 = Paper("A4 ngang", landscape(A4), 15 * mm, 10 * mm, 12 * mm, 12 * mm, (10,))


def paper(name: str) -> Paper:
    key = (name or "").strip().upper()
    if key not in PAPERS:
        raise UserError(f"Khổ giấy '{name}' không hỗ trợ; chọn A4 hoặc A5.", field="paper")
    return PAPERS[key]


# ---------------------------------------------------------------- text and dates

def esc(text: object) -> str:
    """User data goes into reportlab's mini-markup: escape it (an '&' in an address is legal)."""
    return escape("" if text is None else str(text)).replace("\n", "<br/>")


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word with "…" (a slip cell is not the place for a list)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def split_reasons(text: str | None) -> list[str]:
    """Several reasons typed on one line (';' or new lines) print as a numbered list."""
    parts = [p.strip() for p in (text or "").replace("\r", "\n").replace(";", "\n").split("\n")]
    return [p for p in parts if p]


# ---------------------------------------------------------------- styles

@dataclass(frozen=True)
class Styles:
    size: float
    width: float
    normal: ParagraphStyle
    justify: ParagraphStyle
    letter: ParagraphStyle  # body of a letter: justified, first line indented
    center: ParagraphStyle
    right: ParagraphStyle
    bold_center: ParagraphStyle
    italic_center: ParagraphStyle
    italic_right: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    item: ParagraphStyle
    small: ParagraphStyle
    small_italic: ParagraphStyle
    small_italic_right: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_head: ParagraphStyle

    def gap(self, factor: float = 1.0) -> Spacer:
        return Spacer(1, self.size * 0.6 * factor)


def make_styles(size: float, width: float) -> Styles:
    register_fonts()
    lead = size * 1.28

    def style(name: str, **kw: object) -> ParagraphStyle:
        base = {"fontName": SERIF, "fontSize": size, "leading": lead, "alignment": TA_LEFT}
        base.update(kw)
        return ParagraphStyle(name, **base)  # type: ignore[arg-type]

    small = size - 1.5
    return Styles(
        size=size,
        width=width,
        normal=style("normal"),
        justify=style("justify", alignment=TA_JUSTIFY),
        letter=style("letter", alignment=TA_JUSTIFY, firstLineIndent=size * 2.2, spaceAfter=size * 0.25),
        center=style("center", alignment=TA_CENTER),
        right=style("right", alignment=TA_RIGHT),
        bold_center=style("bold_center", fontName=f"{SERIF}-Bold", alignment=TA_CENTER),
        italic_center=style("italic_center", fontName=f"{SERIF}-Italic", alignment=TA_CENTER),
        italic_right=style("italic_right", fontName=f"{SERIF}-Italic", alignment=TA_RIGHT,
                           fontSize=size - 1, leading=(size - 1) * 1.25),
        title=style("title", fontName=f"{SERIF}-Bold", fontSize=size + 1, leading=(size + 1) * 1.3,
                    alignment=TA_CENTER),
        subtitle=style("subtitle", fontName=f"{SERIF}-Bold", alignment=TA_CENTER),
        item=style("item", leftIndent=size * 2.2, bulletIndent=size * 0.6, alignment=TA_LEFT,
                   bulletFontName=SERIF, bulletFontSize=size),
        small=style("small", fontSize=small, leading=small * 1.25, alignment=TA_JUSTIFY),
        small_italic=style("small_italic", fontName=f"{SERIF}-Italic", fontSize=small, leading=small * 1.25,
                           alignment=TA_JUSTIFY),
        small_italic_right=style("small_italic_right", fontName=f"{SERIF}-Italic", fontSize=small - 1,
                                 leading=(small - 1) * 1.2, alignment=TA_RIGHT),
        cell=style("cell", fontSize=small, leading=small * 1.2),
        cell_center=style("cell_center", fontSize=small, leading=small * 1.2, alignment=TA_CENTER),
        cell_head=style("cell_head", fontName=f"{SERIF}-Bold", fontSize=small, leading=small * 1.2,
                        alignment=TA_CENTER),
    )


def fitting_size(text: str, font: str, largest: float, width: float, smallest: float = 6) -> float:
    """The largest size ≤ ``largest`` at which ``text`` stays on one line of ``width``."""
    size = largest
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.25
    return size


def balanced(text: str, font: str, size: float, width: float) -> str:
    """Escaped ``text`` on one line, or on two lines of similar length (never "TRẢ KẾT / QUẢ")."""
    if stringWidth(text, font, size) <= width:
        return esc(text)
    words = text.split()
    best = min(range(1, len(words)), default=0,
               key=lambda i: max(stringWidth(" ".join(words[:i]), font, size), stringWidth(" ".join(words[i:]), font, size)))
    if not best:
        return esc(text)
    return f"{esc(' '.join(words[:best]))}<br/>{esc(' '.join(words[best:]))}"


def letterhead(st: Styles, *, unit_name: str, desk_name: str | None, number: str | None, place_line: str | None,
               motto: tuple[str, str]) -> Table:
    """Left: unit (and desk) name, underline, number. Right: national motto, underline, place and date."""
    left_w = st.width * 0.42
    right_w = st.width - left_w
    pad = 2
    bold = f"{SERIF}-Bold"
    head = st.size - 0.5
    left: list[Flowable] = []
    unit_upper = unit_name.upper()
    if desk_name:
        left.append(Paragraph(esc(unit_upper), ParagraphStyle("lh_unit", parent=st.center, fontSize=head,
                                                               leading=head * 1.25)))
        shown, shown_font = desk_name, bold
    else:
        shown, shown_font = unit_upper, bold
    size = fitting_size(shown, shown_font, head, left_w - 2 * pad, smallest=head - 2.5)
    left.append(Paragraph(balanced(shown, shown_font, size, left_w - 2 * pad - 1),
                          ParagraphStyle("lh_desk", parent=st.bold_center, fontSize=size, leading=size * 1.25)))
    left.append(Rule(min(left_w * 0.4, 30 * mm)))
    if number:
        left.append(Paragraph(esc(number), ParagraphStyle("lh_no", parent=st.center, fontSize=head,
                                                           leading=head * 1.25)))
    motto_top, motto_line = motto
    top = fitting_size(motto_top, bold, head, right_w - 2 * pad)
    size_motto = fitting_size(motto_line, bold, head + 0.5, right_w - 2 * pad)
    right: list[Flowable] = [
        Paragraph(esc(motto_top), ParagraphStyle("lh_top", parent=st.bold_center, fontSize=top, leading=top * 1.25)),
        Paragraph(esc(motto_line), ParagraphStyle("lh_motto", parent=st.bold_center, fontSize=size_motto,
                                                  leading=size_motto * 1.25)),
        Rule(stringWidth(motto_line, bold, size_motto)),
    ]
    if place_line:
        right.append(Spacer(1, st.size * 0.2))
        right.append(Paragraph(esc(place_line), ParagraphStyle("lh_place", parent=st.italic_center,
                                                                fontSize=head, leading=head * 1.25)))
    table = Table([[left, right]], colWidths=[left_w, right_w])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), SERIF),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


@dataclass(frozen=True)
class Signer:
    title: str
    name: str = ""
    prefix: str = ""  # e.g. "TM. ỦY BAN NHÂN DÂN" above the title
    hint: str = ""  # e.g. "(Ký và ghi rõ họ tên)", from the regime


def recipients(st: Styles, heading: str, lines: Sequence[str]) -> list[Flowable]:
    """The "Nơi nhận:" block (``heading`` is markup from the regime) at the bottom left of letters."""
    style = ParagraphStyle("recipients", parent=st.normal, fontSize=st.size - 2, leading=(st.size - 2) * 1.25)
    out: list[Flowable] = [Paragraph(heading, style)]
    out += [Paragraph(f"- {esc(line)}", style) for line in lines]
    return out


def signatures(st: Styles, signers: Sequence[Signer | list[Flowable] | None], *, space: float | None = None) -> Table:
    """Side-by-side signature blocks: title, "(Ký và ghi rõ họ tên)", room to sign, printed name.
    ``None`` leaves a column empty; a list of flowables (e.g. "Nơi nhận") fills it as is."""
    space = space if space is not None else st.size * 4.2
    cells: list[list[Flowable]] = []
    for signer in signers:
        if not isinstance(signer, Signer):
            cells.append(list(signer or []))
            continue
        cell: list[Flowable] = []
        if signer.prefix:
            cell.append(Paragraph(esc(signer.prefix), st.bold_center))
        cell.append(Paragraph(esc(signer.title), st.bold_center))
        if signer.hint:
            cell.append(Paragraph(esc(signer.hint), st.italic_center))
        cell.append(Spacer(1, space))
        cell.append(Paragraph(f"<b>{esc(signer.name)}</b>" if signer.name else "", st.center))
        cells.append(cell)
    width = st.width / max(1, len(cells))
    table = Table([cells], colWidths=[width] * len(cells))
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), SERIF),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def labelled(st: Styles, label: str, value: object, *, bold_value: bool = False, style: ParagraphStyle | None = None,
             ) -> Paragraph:
    """"Label: value" on one paragraph that wraps under itself (never clipped)."""
    text = esc(value) if value not in (None, "") else "…"
    if bold_value and value not in (None, ""):
        text = f"<b>{text}</b>"
    return Paragraph(f"{esc(label)}: {text}", style or st.justify)


def numbered(st: Styles, items: Sequence[str], *, style: ParagraphStyle | None = None, suffix: str = ".") -> list[Paragraph]:
    return [Paragraph(esc(item), style or st.item, bulletText=f"{i}{suffix}") for i, item in enumerate(items, 1)]


def footnotes(st: Styles, notes: Sequence[str]) -> list[Flowable]:
    if not notes:
        return []
    out: list[Flowable] = [st.gap(0.5)]
    for note in notes:
        out.append(Paragraph(f"<i>{esc(note)}</i>", st.small))
    return out


def grid_style() -> TableStyle:
    """Thin black grid, small padding: the tables of the control slip and the ledger."""
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), SERIF),
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    return TableStyle(commands)


# ---------------------------------------------------------------- building

PageBuilder = Callable[[Styles], list[Flowable]]


class _RememberedWrap:
    """A flowable's ``wrap`` that answers again without laying out again while the width is the one it
    last laid out at: ``fit_page`` measures a page, then the frame wraps the same flowables at the same
    width (the available height changes nothing in how these lay out). Any other width lays out anew."""

    __slots__ = ("inner", "width", "size")

    def __init__(self, inner: Callable[[float, float], tuple[float, float]]) -> None:
        self.inner = inner
        self.width: float | None = None
        self.size = (0.0, 0.0)

    def __call__(self, width: float, height: float) -> tuple[float, float]:
        if width != self.width:
            self.size = self.inner(width, height)
            self.width = width
        return self.size


def _wrap(flowable: Flowable, width: float, height: float) -> tuple[float, float]:
    remembered = flowable.__dict__.get("wrap")
    if not isinstance(remembered, _RememberedWrap):
        remembered = flowable.wrap = _RememberedWrap(flowable.wrap)  # type: ignore[method-assign]
    return remembered(width, height)


def story_height(story: Sequence[Flowable], width: float, height: float) -> float:
    total = 0.0
    for flowable in story:
        _, h = _wrap(flowable, width, height)
        total += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def fit_page(builder: PageBuilder, sheet: Paper) -> list[Flowable]:
    """The page's flowables at the largest font size whose content fits one page."""
    for size in sheet.font_sizes:
        story = builder(make_styles(size, sheet.frame_width))
        if story_height(story, sheet.frame_width, sheet.frame_height) <= sheet.frame_height - 1:
            return story
    # Still too tall at the smallest size (an absurd amount of data): shrink the whole page to fit.
    story = builder(make_styles(sheet.font_sizes[-1], sheet.frame_width))
    return [KeepInFrame(sheet.frame_width, sheet.frame_height - 1, story, mode="shrink")]


def render_pdf(pages: Sequence[PageBuilder], sheet: Paper, *, title: str, subject: str = "",
               flowing: bool = False) -> tuple[bytes, int]:
    """PDF bytes and page count. One-page builders are fitted; ``flowing`` content (the ledger) runs on."""
    register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=sheet.size, leftMargin=sheet.left, rightMargin=sheet.right, topMargin=sheet.top,
               bottomMargin=sheet.bottom, title=title, subject=subject, author=PRODUCER, creator=PRODUCER,
               initialFontName=SERIF)  # else the canvas starts in (unembedded) Helvetica
    frame = Frame(sheet.left, sheet.bottom, sheet.frame_width, sheet.frame_height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    template = PageTemplate(id="page", frames=[frame], onPage=_page_number) if flowing else \
        PageTemplate(id="page", frames=[frame])
    doc.addPageTemplates([template])
    story: list[Flowable] = []
    for index, builder in enumerate(pages):
        if index:
            story.append(PageBreak())
        if flowing:
            story.extend(builder(make_styles(sheet.font_sizes[0], sheet.frame_width)))
        else:
            story.extend(fit_page(builder, sheet))
    doc.build(story)
    return buffer.getvalue(), doc.page


def _page_number(canvas, doc) -> None:  # type: ignore[no-untyped-def]
    canvas.saveState()
    canvas.setFont(SERIF, 9)
    canvas.drawRightString(doc.pagesize[0] - doc.rightMargin, doc.bottomMargin / 2, f"Trang {doc.page}")
    canvas.restoreState()

