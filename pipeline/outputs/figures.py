"""Figures: word clouds, bar charts and a heat map, written as PNG (and SVG for the charts).

Every figure is drawn on a standalone `matplotlib.figure.Figure` rendered by the Agg canvas, so this
module never touches pyplot's global figure registry nor the caller's backend. Output is reproducible:
fixed random seeds, fixed PNG/SVG metadata and a fixed SVG hash salt, so the same input gives
byte-identical files. Each function returns the files it wrote; empty input writes nothing and returns [].
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from wordcloud import WordCloud

from pipeline.outputs.colours import PALETTE, dimension_colour

__all__ = ["bar_chart", "french_font_path", "grouped_bar_chart", "heat_map", "word_cloud"]

DPI = 100  # one inch = 100 pixels, so sizes in pixels divide by 100 to give matplotlib's inches
CHART_WIDTH_PX = 1200
LABEL_WRAP = 38  # characters per line of a wrapped axis label
BACKGROUND = "#ffffff"
NEUTRAL_COLOUR = "#6b6b6b"
BAR_COLOUR = PALETTE[0]
# a shape per line as well as a colour, for readers who cannot tell colours apart
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

# Fixed rendering settings, applied only while a figure is drawn and saved.
_RC = {
    "svg.hashsalt": "seminar-pipeline",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 12,
    "axes.titlesize": 15,
    "axes.titleweight": "bold",
    "figure.titlesize": 17,
    "figure.titleweight": "bold",
}
_PNG_METADATA = {"Software": None}
_SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


@lru_cache(maxsize=1)
def french_font_path() -> Path:
    """Path of DejaVu Sans, shipped with matplotlib: it covers every French accented letter."""
    return Path(findfont(FontProperties(family="DejaVu Sans"), fallback_to_default=False))


def _wrap(label: str, width: int = LABEL_WRAP) -> str:
    return "\n".join(textwrap.wrap(label, width=width, break_long_words=True)) or label


def _format_value(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:.2f}".replace(".", ",")


def _new_figure(width_px: int, height_px: int) -> Figure:
    figure = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(figure)
    return figure


def _save(figure: Figure, path: Path, *, svg: bool) -> list[Path]:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    png = path.with_suffix(".png")
    written = [png]
    # No bbox_inches="tight": it would change the pixel size promised in the docstrings.
    figure.savefig(png, format="png", dpi=DPI, metadata=_PNG_METADATA, facecolor=BACKGROUND)
    if svg:
        svg_path = path.with_suffix(".svg")
        figure.savefig(svg_path, format="svg", metadata=_SVG_METADATA, facecolor=BACKGROUND)
        written.append(svg_path)
    return written


LAYOUT_SCALE = 2


def word_cloud(
    frequencies: Mapping[str, float],
    path: Path,
    *,
    title: str,
    colour_of: Mapping[str, str] | None = None,
    legend: Mapping[str, str] | None = None,
    group_colours: Mapping[str, str] | None = None,
    width: int = 1600,
    height: int = 1000,
    seed: int = 0,
) -> list[Path]:
    """A word cloud of `frequencies` (our own counts, used as they are), as a `width` x `height` px PNG.

    The title takes the top band of the image; when `colour_of` (word -> group key) is given, each group
    gets one colour and a legend along the bottom labels it with `legend[group]` (or the key itself).
    Words without a group are grey. `group_colours` fixes a group's colour (the project's colours of
    competence types, outputs/colours.py); other groups take palette colours in order of their largest word.
    Words with a count <= 0 are ignored; nothing left -> no file, []."""
    words = {word: float(count) for word, count in frequencies.items() if word.strip() and count > 0}
    if not words:
        return []
    # Sorting fixes the layout order, which otherwise follows dict order for equal counts.
    ordered = dict(sorted(words.items(), key=lambda item: (-item[1], item[0])))
    group_colour = _group_colours(ordered, colour_of, group_colours)
    title_px = 80
    legend_px = _legend_height(len(group_colour)) if group_colour else 24  # bottom margin at least
    side_px = 24  # keeps the outermost words off the image edge
    # multiples of LAYOUT_SCALE, so the drawn cloud has exactly the axes' pixel size
    cloud_width = (width - 2 * side_px) // LAYOUT_SCALE * LAYOUT_SCALE
    side_px = (width - cloud_width) // 2
    cloud_height = (height - title_px - legend_px) // LAYOUT_SCALE * LAYOUT_SCALE
    legend_px = height - title_px - cloud_height
    if cloud_height < 100 or cloud_width < 100:
        raise ValueError(f"a {width}x{height}px word cloud leaves no room for the words")

    # Without groups, palette colours by rank: dark enough on white, and independent of hash seeds.
    rank_colour = {word: PALETTE[rank % len(PALETTE)] for rank, word in enumerate(ordered)}

    def colour_func(word: str, **_: object) -> str:
        if not colour_of:
            return rank_colour.get(word, NEUTRAL_COLOUR)
        group = colour_of.get(word)
        return group_colour.get(group, NEUTRAL_COLOUR) if group is not None else NEUTRAL_COLOUR

    # The layout is searched on a canvas LAYOUT_SCALE times smaller and drawn back at full size: the search
    # costs grow with the canvas area, and at half size the clouds look the same (checked by eye) in a
    # quarter of the time.
    cloud = WordCloud(
        width=cloud_width // LAYOUT_SCALE,
        height=cloud_height // LAYOUT_SCALE,
        scale=LAYOUT_SCALE,
        background_color=BACKGROUND,
        font_path=str(french_font_path()),
        random_state=seed,
        collocations=False,
        normalize_plurals=False,
        prefer_horizontal=0.9,
        max_words=200,
        margin=4,
        color_func=colour_func,
    ).generate_from_frequencies(ordered)

    with matplotlib.rc_context(_RC):
        figure = _new_figure(width, height)
        box = (side_px / width, legend_px / height, cloud_width / width, cloud_height / height)
        axes = figure.add_axes(box)
        # The cloud is drawn at exactly the axes' pixel size, so no resampling blurs it.
        axes.imshow(cloud.to_array(), interpolation="nearest", aspect="auto")
        axes.set_axis_off()
        figure.text(0.5, 1 - (title_px / 2) / height, title, ha="center", va="center",
                    fontsize=26, fontweight="bold")
        if group_colour:
            handles = [
                Patch(facecolor=colour, label=(legend or {}).get(group, group))
                for group, colour in group_colour.items()
            ]
            figure.legend(handles=handles, loc="lower center", ncol=min(3, len(handles)), frameon=False,
                          fontsize=18, bbox_to_anchor=(0.5, 0.0))
        return _save(figure, path, svg=False)


def _group_colours(words: Mapping[str, float], colour_of: Mapping[str, str] | None,
                   fixed: Mapping[str, str] | None = None) -> dict[str, str]:
    """One colour per group present among `words`, in order of first appearance (largest word): the one
    `fixed` gives it, else the next palette colour."""
    if not colour_of:
        return {}
    fixed = fixed or {}
    colours: dict[str, str] = {}
    for word in words:
        group = colour_of.get(word)
        if group is not None and group not in colours:
            colours[group] = fixed.get(group) or PALETTE[len(colours) % len(PALETTE)]
    return colours


def _legend_height(entries: int) -> int:
    return 24 + 40 * math.ceil(entries / 3)


def bar_chart(items: Sequence[tuple[str, float]], path: Path, *, title: str, xlabel: str) -> list[Path]:
    """Horizontal bars, first item at the top, each bar labelled with its value. PNG + SVG.

    Size: 1200 px wide, 150 px plus 34 px per label line high (long labels wrap at 38 characters)."""
    if not items:
        return []
    labels = [_wrap(label) for label, _ in items]
    values = [float(value) for _, value in items]
    lines = sum(label.count("\n") + 1 for label in labels)
    height = 150 + 34 * max(lines, 3)
    with matplotlib.rc_context(_RC):
        figure = _new_figure(CHART_WIDTH_PX, height)
        figure.set_layout_engine("constrained", h_pad=0.12, w_pad=0.12)
        axes = figure.add_subplot()
        positions = range(len(values))
        bars = axes.barh(positions, values, color=BAR_COLOUR, height=0.7)
        _finish_bar_axes(axes, bars, labels, values, title=title, xlabel=xlabel)
        return _save(figure, path, svg=True)


def grouped_bar_chart(
    groups: Mapping[str, Sequence[tuple[str, float]]], path: Path, *, title: str, xlabel: str
) -> list[Path]:
    """Horizontal bars grouped under their group (e.g. categories under their dimension): one colour per
    group, a gap between groups, a legend naming the groups. PNG + SVG.

    Size: 1200 px wide, 190 px plus 34 px per label line and 20 px per group gap high."""
    filled = {group: list(items) for group, items in groups.items() if items}
    if not filled:
        return []
    labels: list[str] = []
    values: list[float] = []
    colours: list[str] = []
    positions: list[float] = []
    position = 0.0
    for number, items in enumerate(filled.values()):
        for label, value in items:
            labels.append(_wrap(label))
            values.append(float(value))
            colours.append(dimension_colour(number))
            positions.append(position)
            position += 1
        position += 0.6  # gap between groups
    lines = sum(label.count("\n") + 1 for label in labels)
    height = 190 + 34 * max(lines, 3) + 20 * len(filled)
    with matplotlib.rc_context(_RC):
        figure = _new_figure(CHART_WIDTH_PX, height)
        figure.set_layout_engine("constrained", h_pad=0.12, w_pad=0.12)
        axes = figure.add_subplot()
        bars = axes.barh(positions, values, color=colours, height=0.7)
        _finish_bar_axes(axes, bars, labels, values, title=title, xlabel=xlabel, positions=positions)
        handles = [
            Patch(facecolor=dimension_colour(number), label=group)
            for number, group in enumerate(filled)
        ]
        figure.legend(handles=handles, loc="outside lower center", ncol=min(3, len(handles)), frameon=False)
        return _save(figure, path, svg=True)


def share_chart(values: Sequence[str], series: Mapping[str, Sequence[float]], path: Path, *, title: str,
                ylabel: str) -> list[Path]:
    """One line per series (e.g. a category's share of passages) across `values` (e.g. years), in the
    palette's colours, with a legend under the chart. PNG + SVG. Size: 1200 x 560 px plus the legend."""
    if len(values) < 2 or not series:
        return []
    with matplotlib.rc_context(_RC):
        figure = _new_figure(CHART_WIDTH_PX, 560 + 30 * ((len(series) + 1) // 2))
        figure.set_layout_engine("constrained", h_pad=0.12, w_pad=0.12)
        axes = figure.add_subplot()
        positions = list(range(len(values)))
        for number, (label, shares) in enumerate(series.items()):
            axes.plot(positions, list(shares), marker=MARKERS[number % len(MARKERS)], linewidth=2,
                      color=PALETTE[number % len(PALETTE)], label=_wrap(label, 60))
        axes.set_xticks(positions, labels=[_wrap(v, 14) for v in values])
        axes.set_title(title, loc="left")
        axes.set_ylabel(ylabel)
        axes.set_ylim(bottom=0)
        axes.spines[["top", "right"]].set_visible(False)
        axes.grid(axis="y", color="#e5e5e5", linewidth=0.8)
        figure.legend(loc="outside lower center", ncol=2, frameon=False)
        return _save(figure, path, svg=True)


def _finish_bar_axes(axes, bars, labels, values, *, title, xlabel, positions=None) -> None:
    axes.set_yticks(list(positions if positions is not None else range(len(labels))), labels=labels)
    axes.invert_yaxis()  # first item on top
    axes.set_title(title, loc="left")
    axes.set_xlabel(xlabel)
    axes.bar_label(bars, labels=[_format_value(v) for v in values], padding=4, fontsize=11)
    top = max(values) if values else 0
    axes.set_xlim(0, top * 1.12 if top > 0 else 1)  # room for the value labels
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    axes.set_axisbelow(True)


def heat_map(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float]],
    path: Path,
    *,
    title: str,
) -> list[Path]:
    """A heat map with every cell annotated by its value, rows on the left, columns on top. PNG + SVG.

    Size: 360 px plus 110 px per column wide (at least 800), 260 px plus 52 px per row high (at least 500).
    Row labels wrap at 38 characters; column labels are slanted when there are more than 6 or any is long."""
    if not rows or not columns:
        return []
    if len(values) != len(rows) or any(len(row) != len(columns) for row in values):
        raise ValueError(f"heat map values must be {len(rows)} rows of {len(columns)} numbers")
    width = max(800, 360 + 110 * len(columns))
    height = max(500, 260 + 52 * len(rows))
    matrix = [[float(cell) for cell in row] for row in values]
    top = max((cell for row in matrix for cell in row), default=0.0)
    with matplotlib.rc_context(_RC):
        figure = _new_figure(width, height)
        figure.set_layout_engine("constrained", h_pad=0.12, w_pad=0.12)
        axes = figure.add_subplot()
        image = axes.imshow(matrix, cmap="Blues", vmin=0, vmax=top if top > 0 else 1, aspect="auto")
        axes.set_yticks(range(len(rows)), labels=[_wrap(r) for r in rows])
        axes.xaxis.tick_top()
        if len(columns) > 6 or any(len(c) > 14 for c in columns):
            # Many or long column labels would collide side by side: slant them.
            axes.set_xticks(range(len(columns)), labels=[_wrap(c, 24) for c in columns])
            for label in axes.get_xticklabels():
                label.set(rotation=40, ha="left", rotation_mode="anchor")
        else:
            axes.set_xticks(range(len(columns)), labels=list(columns))
        axes.tick_params(length=0)
        # a figure-level title: the axes may be narrower than the title, which would then be cut
        figure.suptitle(_wrap(title, width // 16), fontweight="bold")  # ~16 px per bold character
        for spine in axes.spines.values():
            spine.set_visible(False)
        for row_number, row in enumerate(matrix):
            for column_number, cell in enumerate(row):
                dark = top > 0 and cell / top > 0.55
                axes.text(column_number, row_number, _format_value(cell), ha="center", va="center",
                          fontsize=11, color="white" if dark else "#1a1a1a")
        bar = figure.colorbar(image, ax=axes, shrink=0.8, pad=0.02)
        bar.locator = MaxNLocator(integer=True)  # the cells count passages
        bar.update_ticks()
        return _save(figure, path, svg=True)
