"""The printed forms' own drawn pieces: the short rule under the national motto and the QR code of the
dossier code (kept out of layout.py, which arranges pages, so that each reads on its own)."""

from __future__ import annotations

import itertools
from functools import lru_cache

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.platypus import Flowable


class Rule(Flowable):
    """A short centred line: the underline under "Độc lập - Tự do - Hạnh phúc" and the desk name."""

    def __init__(self, length: float, thickness: float = 0.6, space: float = 2.5) -> None:
        super().__init__()
        self.length = length
        self.thickness = thickness
        self.space = space
        self.avail = length

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.avail = avail_width
        return avail_width, self.space * 2 + self.thickness

    def draw(self) -> None:
        x0 = (self.avail - self.length) / 2
        self.canv.setLineWidth(self.thickness)
        self.canv.line(x0, self.space, x0 + self.length, self.space)


QR_BORDER = 4  # modules of quiet zone around the code, as scanners expect


@lru_cache(maxsize=64)
def _qr_runs(value: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The code's module count and its dark runs (row, first column, length): encoded once per value, not
    once per copy and per fitting try."""
    widget = QrCodeWidget(value, barLevel="M")
    widget.qr.make()
    runs = []
    for r, row in enumerate(widget.qr.modules):
        c = 0
        for dark, group in itertools.groupby(bool(m) for m in row):
            count = len(list(group))
            if dark:
                runs.append((r, c, count))
            c += count
    return widget.qr.getModuleCount(), tuple(runs)


class QrCode(Flowable):
    """A QR code of ``value`` (the dossier code) ``size`` points square, quiet zone included, drawn as one
    filled path (a few hundred rectangles as separate shapes cost a receipt ~90 ms)."""

    def __init__(self, value: str, size: float) -> None:
        super().__init__()
        self.value, self.size = value, size
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        count, runs = _qr_runs(self.value)
        box = self.size / (count + 2 * QR_BORDER)
        path = self.canv.beginPath()
        for row, column, length in runs:
            path.rect((column + QR_BORDER) * box, self.size - (row + QR_BORDER + 1) * box, length * box, box)
        self.canv.setFillColorRGB(0, 0, 0)
        self.canv.drawPath(path, fill=1, stroke=0)


def qr_code(value: str, size: float) -> QrCode:
    return QrCode(value, size)
