"""Read certificate PDFs back: text (pdftotext), structure (pypdf) and the QR code.

The QR code is read from the page as a person's phone would see it: the page is
rasterised with pdftoppm, the symbol found by its dark finder patterns, and each module
sampled at its centre. The resulting matrix is compared with the symbol segno makes for
the expected URL at the certificate's error level: equal matrices mean the printed code
carries exactly that URL.
"""

import html
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno
from PIL import Image
from pypdf import PdfReader

from certificates.pdf import QR_ERROR_LEVEL

DPI = 300
MM = DPI / 25.4
# Where certificate.css puts the QR code (left, top, size in mm), with a margin.
QR_WINDOW_MM = (233.0, 142.0, 35.0)


def pdf_text(path: Path) -> str:
    """The text a reader (or a screen reader) gets out of the PDF."""
    result = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    )
    return result.stdout


@dataclass(frozen=True)
class PdfFont:
    """One font in the PDF as pdffonts lists it (the subset tag dropped)."""

    name: str
    embedded: bool


def pdf_fonts(path: Path) -> list[PdfFont]:
    """Every font the PDF uses, from poppler's pdffonts."""
    result = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    fonts = []
    for line in result.stdout.splitlines()[2:]:
        name, *_, embedded, _subset, _unicode, _object, _generation = line.split()
        fonts.append(PdfFont(name.split("+", 1)[-1], embedded == "yes"))
    return fonts


@dataclass(frozen=True)
class Word:
    """A word printed on the page and its box, in mm from the page's top left."""

    text: str
    left: float
    top: float
    right: float
    bottom: float


def page_words(path: Path) -> list[Word]:
    """Every word on the (first) page with its box, in the order the page draws them."""
    result = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True
    )
    mm_per_point = 25.4 / 72
    words = []
    for match in WORD_BOX.finditer(result.stdout):
        left, top, right, bottom = (float(value) * mm_per_point for value in match.groups()[:4])
        words.append(Word(html.unescape(match.group(5)), left, top, right, bottom))
    return words


WORD_BOX = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def squashed(text: str) -> str:
    """Text without whitespace (lines may wrap anywhere in the PDF)."""
    return "".join(text.split())


def embedded_files_and_attachments(path: Path) -> list[str]:
    """Every embedded file and file attachment annotation in the PDF (should be none)."""
    reader = PdfReader(str(path))
    found: list[str] = []
    root: Any = reader.trailer["/Root"]
    names = root.get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        found.append("catalog /EmbeddedFiles")
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            subtype = annotation.get_object().get("/Subtype")
            if subtype in ("/FileAttachment", "/Link"):
                found.append(f"page {number} {subtype}")
    found += [f"attachment {name}" for name in reader.attachments]
    return found


def qr_matrix(path: Path) -> list[list[int]]:
    """The QR code printed on the certificate's first page, as rows of 0 and 1."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [
                *("pdftoppm", "-r", str(DPI), "-gray", "-png", "-f", "1", "-l", "1"),
                *(str(path), f"{folder}/page"),
            ],
            check=True,
        )
        image = Image.open(next(Path(folder).glob("page*.png"))).convert("L")
    left, top, size = (round(value * MM) for value in QR_WINDOW_MM)
    window = image.crop((left, top, left + size, top + size)).point(lambda v: 255 if v > 128 else 0)
    symbol = window.crop(_dark_bbox(window))
    width = symbol.width
    row = [symbol.getpixel((x, 0)) for x in range(width)]
    finder = next(x for x, value in enumerate(row) if value != 0)  # first light pixel
    module = finder / 7
    count = round(width / module)
    module = width / count
    return [
        [
            1 if symbol.getpixel((int((x + 0.5) * module), int((y + 0.5) * module))) == 0 else 0
            for x in range(count)
        ]
        for y in range(count)
    ]


def _dark_bbox(window: Image.Image) -> tuple[int, int, int, int]:
    inverted = window.point(lambda v: 255 - v)
    box = inverted.getbbox()
    assert box is not None, "no QR code where the stylesheet puts it"
    return box


def expected_qr_matrix(url: str) -> list[list[int]]:
    code = segno.make(url, error=QR_ERROR_LEVEL, micro=False, boost_error=False)
    return [[int(bool(module)) for module in row] for row in code.matrix]
