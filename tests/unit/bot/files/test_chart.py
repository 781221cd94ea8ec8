from __future__ import annotations

import io
import tomllib
from importlib import resources

import matplotlib_fontja
import pytest
from matplotlib import ft2font
from PIL import Image

from bot.files.chart import DPI, HEIGHT_IN, WIDTH_IN, bar_chart
from bot.i18n import catalogue


def _glyphs() -> set[int]:
    return set(ft2font.FT2Font(matplotlib_fontja.get_font_ttf_path()).get_charmap())


def _texts_drawn() -> list[str]:
    """Every text a summary chart can show: the shipped presets' city names in both languages,
    and the chart's own words."""
    texts = []
    for preset in resources.files("bot.presets").iterdir():
        if preset.name.endswith(".toml"):
            data = tomllib.loads(preset.read_text(encoding="utf-8"))
            for city in data.get("cities", []):
                texts += [city["name_en"], city["name_ja"]]
    for language in ("en", "ja"):
        for key in catalogue().message_keys(language):
            if key.startswith(("subsidy.summary.chart.", "subsidy.year", "date.", "month.")):
                texts.append(catalogue().template(language, key) or "")
    return texts


def test_the_font_has_every_character_the_chart_draws() -> None:
    glyphs = _glyphs()
    texts = _texts_drawn()
    assert any("観音寺" in t for t in texts)  # the presets were read
    missing = {ch for text in texts for ch in text if not ch.isspace() and ord(ch) not in glyphs}
    assert missing == set()


@pytest.mark.parametrize("cities", [0, 1, 6, 12])
def test_a_chart_is_a_png_of_the_expected_size(cities: int) -> None:
    png = bar_chart(
        "2025年度の実績",
        [f"都市{i}" for i in range(cities)],
        [("訪問", list(range(cities))), ("承認済み", [0] * cities)],
        "件数",
    )
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.size == (int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI))
