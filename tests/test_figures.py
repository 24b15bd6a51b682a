"""Figures: the right size, something drawn, reproducible bytes, French accents."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.outputs import figures

ACCENTED = {"coopération": 5, "écoute": 3, "intérêt": 2}
CATEGORIES = [
    ("Coopération sur un projet, d'un petit projet à une stratégie territoriale", 12),
    ("Entre acteurs publics", 7),
    ("Entre personnes", 2),
]


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def ink_share(path: Path) -> float:
    """Share of pixels that differ from the white background."""
    pixels = np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)
    assert pixels.std() > 0, f"{path} is a single flat colour"
    return float((np.abs(pixels - 255).sum(axis=2) > 30).mean())


def draw_all(folder: Path) -> list[Path]:
    written = []
    written += figures.word_cloud(ACCENTED, folder / "cloud", title="Compétences")
    written += figures.word_cloud(
        ACCENTED,
        folder / "cloud_groups",
        title="Compétences par type",
        colour_of={"coopération": "transversale", "écoute": "savoir-etre"},
        legend={"transversale": "Transversale", "savoir-etre": "Savoir-être"},
        width=900,
        height=600,
    )
    written += figures.bar_chart(CATEGORIES, folder / "bars", title="Par catégorie", xlabel="Passages")
    written += figures.grouped_bar_chart(
        {"Objet": CATEGORIES[:1], "Acteurs": CATEGORIES[1:]},
        folder / "grouped",
        title="Passages par dimension",
        xlabel="Passages",
    )
    written += figures.heat_map(
        ["Leviers", "Freins"], ["Savoir-être", "Méthode", "Transversale"], [[3, 0, 1], [2, 5, 0.5]],
        folder / "heat", title="Catégories × compétences",
    )
    return written


def test_word_cloud_has_the_requested_size_and_visible_words(tmp_path):
    written = figures.word_cloud(ACCENTED, tmp_path / "cloud", title="Compétences", width=800, height=500)
    assert written == [tmp_path / "cloud.png"]
    assert png_size(written[0]) == (800, 500)
    assert ink_share(written[0]) > 0.03


def test_word_cloud_uses_the_dejavu_font_for_accents(tmp_path, monkeypatch):
    fonts = []
    real = figures.WordCloud

    def spy(*args, **kwargs):
        fonts.append(kwargs.get("font_path"))
        return real(*args, **kwargs)

    monkeypatch.setattr(figures, "WordCloud", spy)
    figures.word_cloud(ACCENTED, tmp_path / "cloud", title="Coopération")
    assert len(fonts) == 1
    assert Path(fonts[0]).name == "DejaVuSans.ttf"
    assert Path(fonts[0]).is_file()


def test_word_cloud_keeps_our_counts_and_words_as_given(tmp_path, monkeypatch):
    seen = []
    real_generate = figures.WordCloud.generate_from_frequencies

    def spy(self, frequencies, *args, **kwargs):
        seen.append(dict(frequencies))
        return real_generate(self, frequencies, *args, **kwargs)

    monkeypatch.setattr(figures.WordCloud, "generate_from_frequencies", spy)
    figures.word_cloud({"acteurs": 4, "acteur": 2, "zéro": 0}, tmp_path / "cloud", title="Mots")
    # Plural and singular stay separate words; a zero count is not drawn.
    assert seen[0] == {"acteurs": 4.0, "acteur": 2.0}  # wordcloud then re-calls itself with scaled counts


def test_empty_frequencies_write_nothing(tmp_path):
    assert figures.word_cloud({}, tmp_path / "cloud", title="Rien") == []
    assert figures.word_cloud({"mot": 0}, tmp_path / "cloud", title="Rien") == []
    assert figures.bar_chart([], tmp_path / "bars", title="Rien", xlabel="x") == []
    assert figures.grouped_bar_chart({"Objet": []}, tmp_path / "g", title="Rien", xlabel="x") == []
    assert figures.heat_map([], ["a"], [], tmp_path / "heat", title="Rien") == []
    assert list(tmp_path.iterdir()) == []


def test_charts_write_png_and_svg_of_the_stated_size(tmp_path):
    bars = figures.bar_chart(CATEGORIES, tmp_path / "bars", title="Passages", xlabel="Passages")
    assert bars == [tmp_path / "bars.png", tmp_path / "bars.svg"]
    width, height = png_size(bars[0])
    assert width == 1200
    assert height >= 150 + 34 * 3
    assert ink_share(bars[0]) > 0.05
    assert bars[1].read_text(encoding="utf-8").lstrip().startswith("<?xml")

    heat = figures.heat_map(["Leviers", "Freins"], ["A", "B"], [[1, 2], [3, 4]], tmp_path / "heat", title="H")
    assert png_size(heat[0]) == (800, 500)
    assert ink_share(heat[0]) > 0.05


def test_more_bars_make_a_taller_chart(tmp_path):
    few = figures.bar_chart(CATEGORIES[:1], tmp_path / "few", title="t", xlabel="x")[0]
    twenty = [(f"Catégorie {n}", n) for n in range(20)]
    many = figures.bar_chart(twenty, tmp_path / "many", title="t", xlabel="x")[0]
    assert png_size(many)[1] > png_size(few)[1]


def test_two_runs_give_identical_files(tmp_path):
    first = draw_all(tmp_path / "a")
    second = draw_all(tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    assert len(first) == 8
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes(), f"{one.name} differs between two runs"


def test_files_carry_no_date_or_software_version(tmp_path):
    for path in draw_all(tmp_path):
        data = path.read_bytes()
        assert b"Matplotlib version" not in data
        assert b"<dc:date>" not in data
        if path.suffix == ".png":
            assert Image.open(path).text == {}


def test_a_different_seed_changes_the_word_cloud_layout(tmp_path):
    words = {f"mot{n}": n + 1 for n in range(30)}
    one = figures.word_cloud(words, tmp_path / "one", title="t", seed=0, width=800, height=500)[0]
    two = figures.word_cloud(words, tmp_path / "two", title="t", seed=1, width=800, height=500)[0]
    assert one.read_bytes() != two.read_bytes()


def test_heat_map_rejects_values_of_the_wrong_shape(tmp_path):
    with pytest.raises(ValueError, match="2 rows of 2"):
        figures.heat_map(["a", "b"], ["x", "y"], [[1, 2]], tmp_path / "heat", title="t")


def test_drawing_leaves_no_open_pyplot_figures(tmp_path):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    draw_all(tmp_path)
    assert plt.get_fignums() == before


def test_word_cloud_gives_each_group_its_own_colour(tmp_path):
    words = {"écoute": 9, "empathie": 8, "synthèse": 7, "anticipation": 6}
    groups = {"écoute": "savoir-etre", "empathie": "savoir-etre", "synthèse": "transversale",
              "anticipation": "transversale"}
    path = figures.word_cloud(words, tmp_path / "cloud", title="t", colour_of=groups, width=800, height=500,
                              legend={"savoir-etre": "Savoir-être", "transversale": "Transversale"})[0]
    pixels = np.asarray(Image.open(path).convert("RGB")).reshape(-1, 3)
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    ranked = [tuple(int(v) for v in colours[i]) for i in np.argsort(-counts)]
    solid = [c for c in ranked if c != (255, 255, 255)][:2]

    def rgb(hex_colour: str) -> tuple[int, int, int]:
        return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))

    # The two most used ink colours are the first two palette colours, one per group.
    assert set(solid) == {rgb(figures.PALETTE[0]), rgb(figures.PALETTE[1])}


def test_category_clouds_weigh_the_words_over_used_in_the_category_by_their_g2():
    from pipeline.analysis.keyness import KeyTerm
    from pipeline.outputs.render import _specific_words

    class Counts:
        def keyness_by_category(self):
            return [KeyTerm("objet:projet", "projet", "projet", 12, 3, 20.5, 2.0, "+"),
                    KeyTerm("objet:projet", "faire", "faire", 1, 30, 6.2, -2.0, "-"),
                    KeyTerm("conditions:freins", "frein", "freins", 4, 0, 9.0, 3.0, "+")]

    assert _specific_words(Counts()) == {"objet:projet": {"projet": 20.5},
                                         "conditions:freins": {"freins": 9.0}}


def test_competence_types_have_the_same_colour_in_the_cloud_and_in_the_report(tmp_path):
    from pipeline.outputs.colours import type_colours
    from pipeline.outputs.report import ReportData, render_report

    cloud = figures.word_cloud({"écoute": 5, "animer": 4}, tmp_path / "c", title="t",
                               colour_of={"écoute": "savoir-etre", "animer": "methode"},
                               group_colours=type_colours(["savoir-etre", "methode"]))
    image = np.asarray(Image.open(cloud[0]).convert("RGB")).reshape(-1, 3)
    fixed = type_colours(["savoir-etre", "methode"]).values()
    colours = {tuple(int(h[i:i + 2], 16) for i in (1, 3, 5)) for h in fixed}
    present = {tuple(pixel) for pixel in np.unique(image, axis=0)}
    assert colours <= present
    page = render_report(ReportData(title="t", generated_from="c", counts={}))
    for colour in type_colours(["savoir-etre", "methode"]).values():
        assert f"solid {colour}" in page
