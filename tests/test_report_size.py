"""The report embeds a light copy of each figure: the same picture on a small palette."""

from __future__ import annotations

from PIL import Image

from pipeline.outputs.report import EMBEDDED_COLOURS, embedded_png


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


def test_past_the_cap_every_document_keeps_a_share_of_the_browser():
    from pipeline.outputs.render import browser_quotas

    assert browser_quotas({"a": 5, "b": 10}, 200) == {"a": 5, "b": 10}  # under the cap: everything
    quotas = browser_quotas({"court": 5, "moyen": 100, "long": 3000}, 200)
    assert quotas == {"court": 5, "moyen": 97, "long": 98} and sum(quotas.values()) == 200
    many = browser_quotas({f"d{i}": 3 * i + 1 for i in range(300)}, 100)
    assert min(many.values()) == 1  # more documents than places: each keeps one, all reachable


def test_the_browser_holds_every_document_and_its_tagged_passages_first(tmp_path, monkeypatch):
    import json

    import pipeline.outputs.render as render

    records = []
    for doc in ("a.txt", "b.txt", "c.txt"):
        for index in range(10):
            tagged = index in (7, 8)
            records.append({"doc_id": doc, "passage_id": f"{doc}#{index}", "index": index,
                            "kind": "paragraphe", "heading": [], "context": [], "level": 0, "start": 0,
                            "end": 1, "text": "x",
                            "categories": [{"id": "objet:projet", "score": 1.0, "source": "rule",
                                            "evidence": []}] if tagged else [],
                            "competences": []})
    path = tmp_path / "passages.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    monkeypatch.setattr(render, "MAX_BROWSER_PASSAGES", 9)
    shown, sizes = render._browser_passages(path)
    assert sizes == {"a.txt": 10, "b.txt": 10, "c.txt": 10} and len(shown) == 9
    by_doc = {}
    for item in shown:
        by_doc.setdefault(item.passage.doc_id, []).append(item.passage.index)
    assert by_doc == {"a.txt": [0, 7, 8], "b.txt": [0, 7, 8], "c.txt": [0, 7, 8]}


def test_the_document_filter_says_how_many_of_a_document_s_passages_it_holds(tmp_path):
    from pipeline.outputs.report import ReportData, write_report
    from pipeline.types import AnalysedPassage, Passage

    passages = [AnalysedPassage(Passage("a.txt", n, "paragraph", "Texte.", 0, 6), ()) for n in range(3)]
    data = ReportData(title="t", generated_from="c", counts={}, passages=passages,
                      document_totals={"a.txt": 40})
    write_report(data, tmp_path / "r.html")
    assert '<option value="a.txt">a.txt (3 sur 40)</option>' in (tmp_path / "r.html").read_text("utf-8")
