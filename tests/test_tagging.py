"""The rule tagger on the seminar's own grid, on negation, on context and on text that is off topic."""

from __future__ import annotations

import re

import pytest
import yaml

from pipeline.analysis.tagging import RuleTagger
from pipeline.codebook import load_codebook
from pipeline.settings import load_settings

# The grid of the seed report: (line introducing the list, bullet, the bullet's category), as in the seed.
OBJETS = "aux objets de coopération"
ACTEURS = "aux acteurs concernés par la coopération"
ORGANISATION = "à l’organisation de la coopération :"
FINALITES = "aux finalités de la coopération"
SEED_GRID = [
    (
        OBJETS,
        "coopération organisationnelle entre échelles de territoires portant essentiellement sur les "
        "compétences respectives – techniques, de gestion, de pilotage (ex. communes et intercommunalités)",
        "objet:organisationnel",
    ),
    (OBJETS, "coopération sur un projet, du plus petit au projet de territoire (ex. stratégie Pays)",
     "objet:projet"),
    (ACTEURS, "coopération entre structures publiques", "acteurs:public-public"),
    (
        ACTEURS,
        "coopération entre structures publiques et privées (y inclus les acteurs du territoire, "
        "la société civile)",
        "acteurs:public-prive",
    ),
    (ACTEURS, "coopération entre services d’une même structure", "acteurs:inter-services"),
    (ACTEURS, "coopération entre personnes", "acteurs:interpersonnel"),
    (ORGANISATION, "coopération verticale entre entités territoriales emboîtées (ex. PNR et Région)",
     "organisation:verticale"),
    (
        ORGANISATION,
        "coopération horizontale entre entités territoriales voisines ou structures œuvrant sur un même "
        "territoires (ex. intercommunalités incluses dans un même Pays)",
        "organisation:horizontale",
    ),
    (
        FINALITES,
        "travailler ensemble sur des finalités communes (quitte à abandonner une partie de ses prérogatives "
        "pour l’intérêt commun)",
        "finalites:communes",
    ),
    (FINALITES, "travailler avec d’autres pour sa propre finalité (= coopération alibi…)",
     "finalites:propres"),
]
GRID_INTRO = "Parler de coopération pour le développement territorial nous invite à réfléchir :"


@pytest.fixture(scope="module")
def tagger(nlp) -> RuleTagger:
    return RuleTagger(load_codebook(load_settings().codebook), nlp)


def categories(tags) -> list[str]:
    return [tag.category for tag in tags]


@pytest.mark.parametrize(("parent", "bullet", "expected"), SEED_GRID, ids=[row[2] for row in SEED_GRID])
def test_every_seed_bullet_carries_its_category_first(tagger, nlp, parent, bullet, expected):
    tags = tagger.tag(nlp(bullet), [nlp(GRID_INTRO), nlp(parent)])
    assert tags, f"no tag on {bullet!r}"
    assert tags[0].category == expected, tags
    assert all(tag.source == "rule" and 0 < tag.score <= 1 for tag in tags)


@pytest.mark.parametrize(("parent", "bullet", "expected"), SEED_GRID, ids=[row[2] for row in SEED_GRID])
def test_seed_bullets_are_tagged_even_without_their_heading(tagger, nlp, parent, bullet, expected):
    assert expected in categories(tagger.tag(nlp(bullet)))


def test_heading_context_raises_the_score_and_is_shown_as_evidence(tagger, nlp):
    bullet = nlp("coopération entre personnes")
    alone = {tag.category: tag for tag in tagger.tag(bullet)}["acteurs:interpersonnel"]
    framed = {tag.category: tag for tag in tagger.tag(bullet, [nlp(ACTEURS)])}["acteurs:interpersonnel"]
    assert framed.score > alone.score
    assert "contexte: acteurs" in framed.evidence
    assert not any(item.startswith("contexte") for item in alone.evidence)


def test_a_single_weak_cue_does_not_tag_but_does_under_a_heading_of_its_dimension(tagger, nlp):
    sentence = nlp("Le Département a publié son rapport annuel.")
    assert tagger.tag(sentence) == ()
    assert categories(tagger.tag(sentence, [nlp("Les acteurs réunis")])) == ["acteurs:public-public"]


@pytest.mark.parametrize("written", ["coopération entre **personnes**", "coopération  entre personnes",
                                     "coopération entre\npersonnes"])
def test_a_cue_matches_across_emphasis_double_spaces_and_line_breaks(tagger, nlp, written):
    tags = {tag.category: tag for tag in tagger.tag(nlp(written))}
    assert "acteurs:interpersonnel" in tags
    assert any("personnes" in item for item in tags["acteurs:interpersonnel"].evidence)


def test_context_alone_does_not_tag(tagger, nlp):
    assert tagger.tag(nlp("Le repas a été servi à midi."), [nlp(ACTEURS), nlp("La mutualisation")]) == ()


def test_seed_paragraphs_about_mutualisation_are_organisational(tagger, nlp, seed_text):
    paragraphs = [line.strip() for line in seed_text.splitlines() if re.search("mutualis", line, re.I)]
    assert len(paragraphs) >= 6
    for paragraph, doc in zip(paragraphs, nlp.pipe(paragraphs, batch_size=32), strict=True):
        assert "objet:organisationnel" in categories(tagger.tag(doc)), paragraph


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        ("Il y a un manque de confiance entre les élus.", "manque de confiance"),
        ("L'absence de volonté politique a bloqué le projet.", "absence de volonté"),
        ("Les techniciens travaillent sans moyens.", "sans moyens"),
        ("Il n'y a pas de règles claires.", "pas de règles claires"),
        ("Les agents n'ont pas de confiance dans la direction.", "pas de confiance"),
        ("Les moyens humains sont insuffisants.", "moyens humains sont insuffisants"),
    ],
)
def test_a_negated_lever_is_a_brake(tagger, nlp, sentence, words):
    tags = {tag.category: tag for tag in tagger.tag(nlp(sentence))}
    assert "conditions:freins" in tags and "conditions:leviers" not in tags
    assert words in tags["conditions:freins"].evidence


@pytest.mark.parametrize(
    "sentence",
    [
        "Pas de coopération sans volonté partagée",
        "Il ne peut exister durablement sans solidarité, et surtout sans convivialité",
        "La confiance mutuelle entre les partenaires a tout facilité.",
        "Pas de moyens, mais une grande confiance entre les élus.",
    ],
)
def test_levers_stay_levers_under_double_negation_or_after_a_contrast(tagger, nlp, sentence):
    assert "conditions:leviers" in categories(tagger.tag(nlp(sentence)))


def test_double_negation_is_not_a_brake(tagger, nlp):
    assert "conditions:freins" not in categories(tagger.tag(nlp("Pas de coopération sans volonté partagée")))


def test_a_negated_brake_is_dropped(tagger, nlp):
    assert tagger.tag(nlp("Les services ont travaillé sans cloisonnement.")) == ()
    blocked = tagger.tag(nlp("Le cloisonnement des services a tout bloqué."))
    assert categories(blocked) == ["conditions:freins"]


def test_unrelated_sentence_carries_nothing(tagger, nlp):
    assert tagger.tag(nlp("Le repas a été servi à midi.")) == ()
    assert tagger.matches(nlp("Le repas a été servi à midi.")) == {}


def test_cues_match_any_case_and_any_inflection(tagger, nlp):
    assert "objet:organisationnel" in categories(tagger.tag(nlp("LES SERVICES MUTUALISÉS DES COMMUNES")))
    tags = tagger.tag(nlp("Le Pnr et la RÉGION ont mutualisé leurs équipes."))
    assert {"acteurs:public-public", "objet:organisationnel"} <= set(categories(tags))


def test_evidence_lists_the_words_as_written(tagger, nlp):
    doc = nlp("Les Intercommunalités ont engagé la mutualisation de leurs services avec la société civile.")
    found = tagger.matches(doc)
    assert found["objet:organisationnel"] == ["mutualisation"]
    assert "société civile" in found["acteurs:public-prive"]
    tags = {tag.category: tag for tag in tagger.tag(doc)}
    assert tags["objet:organisationnel"].evidence == ("mutualisation",)
    assert "société civile" in tags["acteurs:public-prive"].evidence


def test_tags_are_sorted_best_first(tagger, nlp):
    doc = nlp(SEED_GRID[3][1])
    scores = [tag.score for tag in tagger.tag(doc)]
    assert scores == sorted(scores, reverse=True)


def test_seed_report_coverage_floor(tagger, nlp, seed_text):
    """Quality gate: a third of the seed's non-empty lines carry a tag, and its spam lines carry none."""
    lines = [line.strip(" •–\t") for line in seed_text.splitlines() if line.strip()]
    docs = nlp.pipe(lines, batch_size=32)
    tagged = {line for line, doc in zip(lines, docs, strict=True) if tagger.tag(doc)}
    assert len(tagged) >= 35, f"{len(tagged)} of {len(lines)} lines tagged"
    assert not any("dumps" in line or line.startswith("Les commentaires") for line in tagged)


def test_a_user_codebook_for_another_theme_is_used(tmp_path, nlp):
    path = tmp_path / "mobilite.yaml"
    codebook = {
        "version": "1",
        "dimensions": {"mode": "Mode de transport"},
        "categories": [
            {"id": "mode:velo", "label": "Vélo", "lemmas": ["vélo", "cycliste"],
             "phrases": ["piste cyclable"]},
            {"id": "mode:train", "label": "Train", "lemmas": ["train", "gare"], "weights": {"gare": 0.5}},
        ],
    }
    path.write_text(yaml.safe_dump(codebook, allow_unicode=True), encoding="utf-8")
    other = RuleTagger(load_codebook(path), nlp)
    tags = other.tag(nlp("Les pistes cyclables attirent de nouveaux cyclistes près de la gare."))
    assert categories(tags) == ["mode:velo"]
    assert tags[0].evidence == ("pistes cyclables", "cyclistes")


def test_naming_bodies_is_no_actors_category_without_a_word_of_acting_together(tagger, nlp):
    def actors(text: str, context: tuple[str, ...] = ()) -> set[str]:
        tags = tagger.tag(nlp(text), [nlp(line) for line in context])
        return {t.category for t in tags if t.category.startswith("acteurs:")}

    assert actors("Le PETR du Pays couvre 86 communes et le Département finance les routes.") == set()
    assert "acteurs:public-public" in actors("Le PETR et le Département ont signé une convention.")
    # a heading that says the bodies work together is context enough
    assert "acteurs:public-public" in actors("Le PETR et le Département.", ("Une coopération exemplaire",))


def test_a_codebook_without_requirements_tags_on_cues_alone(nlp, tmp_path):
    import yaml

    data = yaml.safe_load(load_settings().codebook.read_text(encoding="utf-8"))
    del data["dimensions"]["acteurs"]["requires"]
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    plain = RuleTagger(load_codebook(path), nlp)
    tags = plain.tag(nlp("Le PETR du Pays couvre 86 communes et le Département finance les routes."))
    assert "acteurs:public-public" in {t.category for t in tags}
