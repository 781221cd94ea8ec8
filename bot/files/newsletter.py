"""The newsletter copy of approved reports: a Word document for the editor, and the same text as
Markdown for the website.

The writers lay out plain data (:class:`Article`, already in the reader's words); they choose no
words themselves. The Word document is A4 with 20 mm margins; Japanese is set in Yu Mincho (the
Mincho that Word ships on Windows and macOS; MS Mincho is named as its alternative in the font
table, for older Word), Latin text in Times New Roman, and every run says so for both scripts
(``w:rFonts`` ascii/hAnsi and eastAsia), because Word otherwise falls back to the theme's fonts.
Each report starts on a new page (the first under the cover line): title, credit, city and dates,
the text in its paragraphs, the photos scaled to fit the page, and the subsidy line where its
author agreed.

The files must fit the server's attachment limit (:class:`Edition`): the copy is split into
parts below it, and when that would take more than :data:`FULL_SIZE_PARTS` parts the photos go
in at a lower resolution, the smaller copy the bot made of each when it was sent (scaling
hundreds of photos now would take a minute).

Building a document with hundreds of photos takes seconds: call :meth:`Edition.add` and
:meth:`Edition.finish` in a worker thread.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import IO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image as DocxImage
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.parts.image import ImagePart
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from bot.domain import photos as photo_rules
from bot.domain.photos import Photo

LATIN_FONT = "Times New Roman"
JAPANESE_FONT = "Yu Mincho"
JAPANESE_FALLBACK = "MS Mincho"
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Mm(210), Mm(297), Mm(20)
# Two photos and a page of text fit one page; a portrait photo is no taller than a landscape one
# is wide, so a report's photos do not each take a page.
PHOTO_MAX_WIDTH, PHOTO_MAX_HEIGHT = Mm(120), Mm(85)
FULL_SIZE_PARTS = 3  # more parts than this at full size: the photos are made smaller instead
MIN_LONG_SIDE = 200  # photos are not made smaller than this to fit a part
SAFETY = 0.85  # of the server's limit, for what a size estimate cannot know
GREY = RGBColor(0x40, 0x40, 0x40)
FIRST_SHAPE_ID = 1_000  # drawing ids, above any the template uses
# Word refuses a document with characters XML 1.0 cannot hold; a member's text never needs them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PARAGRAPHS = re.compile(r"\n\s*\n|\n")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_~&\[\]<>|#])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([-+>]|\d+[.)])", re.MULTILINE)


@dataclass(frozen=True)
class Article:
    """One report as the newsletter prints it, every line already in the reader's words."""

    title: str
    credit_line: str
    place_line: str
    body: str
    photos: list[Photo] = field(default_factory=list)
    subsidy_line: str | None = None

    @property
    def size(self) -> int:
        """About what it adds to a document, in bytes (photos are stored as they are)."""
        return sum(len(p.data) for p in self.photos) + 4 * len(self.body) + 2_000


def plain(text: str) -> str:
    return _NOT_XML.sub("", text)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _PARAGRAPHS.split(plain(text)) if p.strip()]


class Newsletter:
    """One Word document: a cover line, then one article per page."""

    def __init__(self, cover: str, subtitle: str | None = None) -> None:
        self._document = Document()
        self.size = 40_000
        self.count = 0
        self._images = 0
        self._page_setup()
        self._fonts()
        heading = self._document.add_paragraph(style="Title")
        _run(heading, plain(cover))
        if subtitle:
            _run(self._document.add_paragraph(style="Subtitle"), plain(subtitle))

    def add(self, article: Article) -> None:
        document = self._document
        title = document.add_paragraph(style="Heading 1")
        title.paragraph_format.page_break_before = self.count > 0  # the first follows the cover
        _run(title, plain(article.title))
        byline = document.add_paragraph()
        byline.paragraph_format.keep_with_next = True
        _run(byline, plain(article.credit_line), bold=True)
        byline.add_run().add_break()
        _run(byline, plain(article.place_line), colour=GREY)  # no italics: Japanese has none
        for text in paragraphs(article.body):
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(10.5)
            _run(paragraph, text)
        for photo in article.photos:
            picture = document.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._picture(picture.add_run(), photo)
        if article.subsidy_line:
            note = document.add_paragraph()
            _run(note, plain(article.subsidy_line), colour=GREY)
        self.size += article.size
        self.count += 1

    def save(self, to: IO[bytes]) -> None:
        self._document.save(to)

    # ------------------------------------------------------------------ inside
    def _picture(self, run: Run, photo: Photo) -> None:
        """``photo`` in ``run``, sized for the page. Not Run.add_picture: it looks for an
        identical image already in the document by hashing every image there, for every new
        one (200 reports' photos: 20,000 hashes, 80% of an export's time). A report's photos
        are never identical, so each becomes its own image part."""
        image = DocxImage.from_blob(photo.data)
        self._images += 1
        part = ImagePart.from_image(image, PackURI(f"/word/media/photo{self._images}.{image.ext}"))
        relation = self._document.part.relate_to(part, RT.IMAGE)
        width, height = _fit(photo.width, photo.height)
        inline = CT_Inline.new_pic_inline(
            FIRST_SHAPE_ID + self._images, relation, image.filename, Emu(width), Emu(height)
        )
        run._r.add_drawing(inline)  # python-docx's own way to place a drawing in a run

    def _page_setup(self) -> None:
        section = self._document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, MARGIN)

    def _fonts(self) -> None:
        styles = self._document.styles
        sizes = {"Normal": 10.5, "Title": 20, "Subtitle": 12, "Heading 1": 16}
        for name, size in sizes.items():
            style = styles[name]
            font = style.font  # type: ignore[attr-defined]
            font.name = LATIN_FONT
            font.size = Pt(size)
            if name != "Normal":
                font.color.rgb = RGBColor(0, 0, 0)
            _east_asian(style.element.get_or_add_rPr())  # type: ignore[attr-defined]
        styles["Normal"].paragraph_format.space_after = Pt(6)  # type: ignore[attr-defined]
        styles["Normal"].paragraph_format.line_spacing = 1.3  # type: ignore[attr-defined]
        styles["Heading 1"].paragraph_format.space_after = Pt(8)  # type: ignore[attr-defined]
        self._font_table()

    def _font_table(self) -> None:
        """Name MS Mincho as Yu Mincho's alternative, for a Word that lacks Yu Mincho. python-docx
        keeps the font table as a plain part: its XML is read, extended and written back."""
        for rel in self._document.part.rels.values():
            if not rel.reltype.endswith("/fontTable"):
                continue
            part = rel.target_part
            table = parse_xml(part.blob)
            font = OxmlElement("w:font")
            font.set(qn("w:name"), JAPANESE_FONT)
            for tag, value in (
                ("w:altName", JAPANESE_FALLBACK),
                ("w:charset", "80"),  # Shift JIS: a Japanese font
                ("w:family", "roman"),
            ):
                child = OxmlElement(tag)
                child.set(qn("w:val"), value)
                font.append(child)
            table.append(font)
            part._blob = serialize_part_xml(table)  # type: ignore[attr-defined]  # no setter


class Edition:
    """The newsletter in as many Word documents (parts) as it takes to keep each under the
    server's attachment ``limit``. A report that would overflow the part being written starts
    the next one; a report too big for a part on its own has its photos halved until it fits
    (not below :data:`MIN_LONG_SIDE`)."""

    def __init__(self, cover: str, subtitle: str | None, limit: int, photo_bytes: int) -> None:
        """``photo_bytes``: the full-size photos of every report to come (see :meth:`previews`)."""
        self._cover, self._subtitle = cover, subtitle
        self._budget = int(limit * SAFETY)
        self.previews = photo_bytes > self._budget * FULL_SIZE_PARTS
        self.long_side = photo_rules.PREVIEW_LONG_SIDE if self.previews else photo_rules.LONG_SIDE
        self._parts: list[io.BufferedRandom] = []
        self._book = Newsletter(cover, subtitle)

    def add(self, article: Article) -> Article:
        """Add ``article``; it comes back as printed (its photos perhaps made smaller)."""
        if article.size > self._budget:
            article = self._smaller(article)
        if self._book.count and self._book.size + article.size > self._budget:
            self._close_part()
            self._book = Newsletter(self._cover, self._subtitle)
        self._book.add(article)
        return article

    def finish(self) -> list[io.BufferedRandom]:
        """The parts, as .docx files read from their start. They are temporary files on disk:
        a large edition's finished parts wait there, not in memory, until they are sent; each
        is deleted when closed."""
        self._close_part()
        return self._parts

    def _close_part(self) -> None:
        # It outlives this call: the sender closes it (and so deletes it).
        part = tempfile.TemporaryFile()  # noqa: SIM115
        self._book.save(part)
        part.seek(0)
        self._parts.append(part)

    def _smaller(self, article: Article) -> Article:
        if not article.photos:  # its text alone: nothing to make smaller
            return article
        side = max(max(p.width, p.height) for p in article.photos)
        while article.size > self._budget and side > MIN_LONG_SIDE:
            side = max(side // 2, MIN_LONG_SIDE)
            smaller = [photo_rules.rescaled(p, side) for p in article.photos]
            article = replace(article, photos=smaller)
        self.long_side = min(self.long_side, side)
        return article


def _east_asian(rpr: BaseOxmlElement) -> None:
    """Latin and East Asian fonts on a run or style (theme fonts removed), and Japanese as its
    East Asian language."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(theme)) is not None:
            del fonts.attrib[qn(theme)]
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), JAPANESE_FONT)
    fonts.set(qn("w:hint"), "eastAsia")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "ja-JP")


def _run(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    colour: RGBColor | None = None,
) -> None:
    run = paragraph.add_run(text)
    run.bold = bold or None
    if colour is not None:
        run.font.color.rgb = colour
    _east_asian(run._element.get_or_add_rPr())


def _fit(width: int, height: int) -> tuple[int, int]:
    """The size of a photo on the page: as large as fits PHOTO_MAX_WIDTH x PHOTO_MAX_HEIGHT."""
    scale = min(PHOTO_MAX_WIDTH / width, PHOTO_MAX_HEIGHT / height)
    return int(width * scale), int(height * scale)


def markdown(
    cover: str,
    subtitle: str | None,
    articles: list[tuple[Article, int]],
    photos_note: Callable[[int], str],
) -> bytes:
    """The same text as plain UTF-8 Markdown, for the website: user text escaped, so a line of a
    report never turns into a heading, a list, code, an HTML entity or a Markdown link (a bare
    address may still be linked by engines that autolink). Each article comes with its number of
    photos, which are only mentioned (``photos_note``): they are in the Word file."""
    lines = [f"# {_escape(cover)}", ""]
    if subtitle:
        lines += [_escape(subtitle), ""]
    for article, photo_count in articles:
        lines += [f"## {_escape(article.title)}", ""]
        lines += [f"**{_escape(article.credit_line)}**  ", f"*{_escape(article.place_line)}*", ""]
        for text in paragraphs(article.body):
            lines += [_escape(text), ""]
        if photo_count:
            lines += [f"*{_escape(photos_note(photo_count))}*", ""]
        if article.subsidy_line:
            lines += [f"*{_escape(article.subsidy_line)}*", ""]
    return "\n".join(lines).encode("utf-8")


def _escape(text: str) -> str:
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", plain(text))
    return _MARKDOWN_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
