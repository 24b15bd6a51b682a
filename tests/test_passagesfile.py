import json

from pipeline.outputs.passagesfile import passage_line, read_passages, read_records
from pipeline.types import AnalysedPassage, Competence, Passage, Tag


def _item(index: int) -> AnalysedPassage:
    passage = Passage("rapport.txt", index, "bullet", "Animer les ateliers entre communes", 10, 45,
                      heading=("Compétences",), context=("Les agents doivent savoir :",), level=1)
    return AnalysedPassage(passage, (Tag("acteurs:public-public", 0.71234567, "model", ("communes",)),),
                           (Competence("animation", "methode", 0, 6, "lexicon", None),))


def test_a_written_passage_reads_back_as_it_was_with_its_metadata_in_the_file(tmp_path):
    path = tmp_path / "passages.jsonl"
    path.write_text(passage_line(_item(0), {"annee": "2015"}) + passage_line(_item(1), {"annee": "2015"}),
                    encoding="utf-8")
    first, second = read_passages(path)
    assert first.passage == _item(0).passage and second.passage.index == 1
    assert first.tags == (Tag("acteurs:public-public", 0.7123, "model", ("communes",)),)  # scores rounded
    assert first.competences == _item(0).competences
    records = list(read_records(path))
    assert records[0]["metadata"] == {"annee": "2015"} and records[0]["passage_id"] == "rapport.txt#0"
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[1])["index"] == 1
