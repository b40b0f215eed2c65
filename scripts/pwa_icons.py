"""Draw the member app's icons (src/kopdes/pwa/static/pwa/icon-*.png) with Pillow, once: the
PNGs are committed. A white "K" on Merah Putih red; the maskable one keeps the letter inside
the safe zone (the middle 80%) on a full red square.

    uv run python scripts/pwa_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

RED = (183, 28, 28)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parents[1] / "src" / "kopdes" / "pwa" / "static" / "pwa"


def k(draw: ImageDraw.ImageDraw, size: int, scale: float) -> None:
    """The letter K in a box of `scale` x size, centred."""
    box = size * scale
    left, top = (size - box) / 2, (size - box) / 2
    stem = box * 0.2

    def p(x: float, y: float) -> tuple[float, float]:
        return (left + x * box, top + y * box)

    draw.rectangle([p(0.12, 0.08), p(0.12 + stem / box, 0.92)], fill=WHITE)
    draw.polygon([p(0.32, 0.5), p(0.7, 0.08), p(0.95, 0.08), p(0.52, 0.55)], fill=WHITE)
    draw.polygon(
        [p(0.32, 0.45), p(0.5, 0.4), p(0.98, 0.92), p(0.72, 0.92), p(0.32, 0.66)], fill=WHITE
    )


def icon(size: int, *, maskable: bool) -> Image.Image:
    image = Image.new("RGB", (size, size), RED if maskable else WHITE)
    draw = ImageDraw.Draw(image)
    if not maskable:
        draw.rounded_rectangle([0, 0, size - 1, size - 1], radius=size // 6, fill=RED)
    k(draw, size, 0.5 if maskable else 0.62)
    return image


def main() -> None:
    icon(192, maskable=False).save(OUT / "icon-192.png", optimize=True)
    icon(512, maskable=False).save(OUT / "icon-512.png", optimize=True)
    icon(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
