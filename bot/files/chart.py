"""Bar charts as PNG images (for /subsidy summary), drawn with matplotlib's Agg backend: no
display and no GUI toolkit, only the object-oriented API (pyplot keeps global state).

Labels are in the reader's language, so the font must have Japanese glyphs: IPAexGothic, which
the matplotlib-fontja package ships inside itself (nothing is downloaded, on install or at run
time). DejaVu Sans, shipped with matplotlib, follows it for anything IPAexGothic lacks.

Rendering takes a few hundred milliseconds: call :func:`bar_chart` in a worker thread. A lock
keeps to one drawing at a time (matplotlib's font cache is shared). matplotlib is imported by the
first chart, not with the bot: it is 44 MB of the process's memory and a good part of its start-up,
for a command staff use once a year.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from functools import cache

WIDTH_IN, HEIGHT_IN, DPI = 10.0, 5.6, 120  # 1200 x 672 pixels
COLOURS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52")
_drawing = threading.Lock()


@cache
def font_families() -> list[str]:
    """The families to draw text with, the Japanese one first (registered once)."""
    import matplotlib_fontja  # importing it also makes IPAexGothic matplotlib's default
    from matplotlib import font_manager

    path = matplotlib_fontja.get_font_ttf_path()
    font_manager.fontManager.addfont(path)
    return [font_manager.FontProperties(fname=path).get_name(), "DejaVu Sans"]


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    value_label: str,
) -> bytes:
    """A grouped bar chart: one group per category, one bar per series, each bar labelled with
    its value. PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with _drawing:
        families = font_families()
        figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        width = 0.8 / max(len(series), 1)
        positions = range(len(categories))
        for index, (label, values) in enumerate(series):
            offset = (index - (len(series) - 1) / 2) * width
            bars = axes.bar(
                [p + offset for p in positions],
                values,
                width,
                label=label,
                color=COLOURS[index % len(COLOURS)],
            )
            axes.bar_label(bars, padding=2, fontfamily=families, fontsize=10)
        axes.set_xticks(list(positions), list(categories), fontfamily=families, fontsize=11)
        axes.set_ylabel(value_label, fontfamily=families, fontsize=11)
        axes.set_title(title, fontfamily=families, fontsize=14)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(0, max([1, *(v for _, values in series for v in values)]) * 1.15)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(prop={"family": families, "size": 11}, frameon=False)
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
