"""Draws the app icon (resources/icons/motcua.png/.ico/.svg) with Pillow; run again to change it.

A blue rounded square (the desk), a white form with a folded corner (the dossier) and a red tick
(received). Kept as code so the icon is reproducible and its licence is ours.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"
BLUE, WHITE, LINE, RED = (21, 101, 192, 255), (255, 255, 255, 255), (144, 164, 174, 255), (211, 47, 47, 255)


def draw(size: int = 1024) -> Image.Image:
    s = size / 256
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([8 * s, 8 * s, 248 * s, 248 * s], radius=44 * s, fill=BLUE)
    d.polygon([(64 * s, 40 * s), (162 * s, 40 * s), (196 * s, 74 * s), (196 * s, 216 * s), (64 * s, 216 * s)],
              fill=WHITE)
    d.polygon([(162 * s, 40 * s), (162 * s, 74 * s), (196 * s, 74 * s)], fill=LINE)
    for y in (92, 118, 144):
        d.rounded_rectangle([82 * s, y * s, 178 * s, (y + 9) * s], radius=4 * s, fill=LINE)
    d.line([(96 * s, 178 * s), (122 * s, 202 * s), (176 * s, 150 * s)], fill=RED, width=int(18 * s), joint="curve")
    return img


SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256">
  <rect x="8" y="8" width="240" height="240" rx="44" fill="#1565c0"/>
  <path d="M64 40H162L196 74V216H64Z" fill="#fff"/>
  <path d="M162 40V74H196Z" fill="#90a4ae"/>
  <g fill="#90a4ae"><rect x="82" y="92" width="96" height="9" rx="4"/><rect x="82" y="118" width="96" height="9" rx="4"/>
  <rect x="82" y="144" width="96" height="9" rx="4"/></g>
  <path d="M96 178L122 202L176 150" fill="none" stroke="#d32f2f" stroke-width="18" stroke-linejoin="round"/>
</svg>
"""


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    big = draw()
    big.resize((256, 256), Image.LANCZOS).save(OUT / "motcua.png")
    big.resize((256, 256), Image.LANCZOS).save(
        OUT / "motcua.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    (OUT / "motcua.svg").write_text(SVG, encoding="utf-8")


if __name__ == "__main__":
    main()
