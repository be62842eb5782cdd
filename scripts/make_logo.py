"""Draw the example clinic's logo (our own mark, no third-party artwork): clinics/example/logo.png."""
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "clinics" / "example" / "logo.png"


def main() -> None:
    scale = 4
    w, h = 240 * scale, 96 * scale
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    teal, navy = (31, 111, 92, 255), (23, 64, 110, 255)
    # a rounded square with a river wave and a leaf: "Riverside"
    d.rounded_rectangle((4 * scale, 4 * scale, 92 * scale, 92 * scale), radius=18 * scale, fill=navy)
    for i, y in enumerate((58, 70)):
        pts = [(x * scale, (y + 6 * ((x // 12) % 2 * 2 - 1) * (0.5 if i else 1)) * scale) for x in range(14, 84, 12)]
        d.line(pts, fill=(255, 255, 255, 255), width=5 * scale, joint="curve")
    d.ellipse((30 * scale, 16 * scale, 66 * scale, 48 * scale), fill=(120, 200, 170, 255))
    d.line((48 * scale, 48 * scale, 48 * scale, 22 * scale), fill=navy, width=3 * scale)
    # three bars suggesting a person stepping forward
    for k, x in enumerate((112, 146, 180)):
        top = 60 - k * 16
        d.rounded_rectangle((x * scale, top * scale, (x + 24) * scale, 88 * scale), radius=6 * scale,
                            fill=teal if k != 1 else navy)
    img = img.resize((w // 2, h // 2), Image.LANCZOS)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    img.save(OUT, optimize=True)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
