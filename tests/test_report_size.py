"""The report embeds a light copy of each figure: the same picture on a small palette."""

from __future__ import annotations

from PIL import Image

from pipeline.report import EMBEDDED_COLOURS, embedded_png


def test_a_many_coloured_figure_is_embedded_smaller_with_the_same_size_and_look(tmp_path):
    path = tmp_path / "cloud.png"
    import random

    draw = random.Random(7)
    image = Image.new("RGB", (400, 200), "white")
    for x in range(400):
        for y in range(0, 200, 3):  # every third row of noise, the others white
            image.putpixel((x, y), (draw.randrange(256), draw.randrange(256), draw.randrange(256)))
    image.save(path)
    embedded = tmp_path / "embedded.png"
    embedded.write_bytes(embedded_png(path))
    assert embedded.stat().st_size < path.stat().st_size
    with Image.open(embedded) as copy:
        assert copy.size == (400, 200) and copy.mode == "P" and len(copy.getcolors()) <= EMBEDDED_COLOURS
        assert copy.convert("RGB").getpixel((0, 1)) == (255, 255, 255)


def test_a_file_that_is_no_image_is_embedded_as_it_is(tmp_path):
    path = tmp_path / "broken.png"
    path.write_bytes(b"not an image")
    assert embedded_png(path) == b"not an image"
