"""A report found twice in a corpus, or nearly twice, is counted once (`pipeline.copies`)."""

from __future__ import annotations

import random

from pipeline.copies import NEAR_COPY_SHARE, CopyFinder

REPORT = "\n\n".join([
    "Compte rendu de la rencontre des intercommunalités du Pays",
    "Les quatre communautés de communes du Pays ont décidé de mutualiser leurs services techniques et leur "
    "instruction des permis de construire, après deux ans de travail entre les élus et les agents.",
    "La confiance entre élus a été citée comme la première condition de la coopération ; le manque de temps "
    "des secrétaires de mairie comme le premier frein, avant les différences de fiscalité.",
    "Les agents de développement ont présenté leur démarche d'animation : écouter les maires, faire "
    "remonter les besoins des communes, rédiger une synthèse pour le conseil communautaire.",
    "Le Parc naturel régional et la Région ont rappelé les aides du contrat de territoire, et le "
    "Département son schéma d'amélioration de l'accessibilité des services au public.",
    "Prochaine rencontre au printemps, à Florac, sur la mobilité des habitants et le covoiturage.",
])


def _as_printed(text: str) -> str:
    """The report as its PDF gives it once cleaned, what the cleaning left of its pages: a page number and
    the end of a running header in the text, a word cut across two lines and kept so."""
    paragraphs = text.split("\n\n")
    paragraphs.insert(3, "2\n\nActes – Pays")
    paragraphs[1] = paragraphs[1].replace("construire", "cons-\ntruire")
    return "\n\n".join(paragraphs)


def test_a_report_in_two_formats_is_a_copy_of_the_first_one_found() -> None:
    copies = CopyFinder()
    assert copies.copy_of("cr.docx", REPORT) is None
    printed = copies.copy_of("cr.pdf", _as_printed(REPORT))
    assert printed is not None and printed.of == "cr.docx" and not printed.exact
    assert NEAR_COPY_SHARE <= printed.share < 1
    assert printed.reason().startswith("presque le même texte que cr.docx (9")
    assert printed.reason().endswith(" % de son texte s'y trouve) : compté une fois")
    spaced = copies.copy_of("copie/cr.txt", REPORT.replace(" ", "  ").replace(";", " ;"))
    assert spaced is not None and spaced.exact
    assert spaced.reason() == "même texte que cr.docx : compté une fois"


def test_a_part_a_revision_or_another_report_is_kept() -> None:
    copies = CopyFinder()
    assert copies.copy_of("actes.txt", REPORT) is None
    paragraphs = REPORT.split("\n\n")
    assert copies.copy_of("extrait.txt", "\n\n".join(paragraphs[:4])) is None  # a third of the report new
    words = REPORT.split(" ")
    rng = random.Random(3)
    revised = " ".join(word if rng.random() > 0.1 else "autrement" for word in words)
    assert copies.copy_of("version-2.txt", revised) is None  # one word in ten rewritten
    other = "\n\n".join([paragraphs[0].replace("intercommunalités", "Parcs"),
                         "Les élus des Parcs ont comparé leurs chartes et leurs plans de paysage, et décidé "
                         "d'un observatoire commun de la biodiversité financé par les deux Régions.",
                         paragraphs[5]])
    assert copies.copy_of("autre.txt", other) is None  # a title and a closing line in common


def test_short_texts_are_copies_only_when_they_are_the_same() -> None:
    copies = CopyFinder()
    mail = "Bonjour, ci-joint le compte rendu de la réunion de mardi. Cordialement"
    assert copies.copy_of("a.eml", mail) is None
    assert copies.copy_of("b.eml", mail.replace("mardi", "jeudi")) is None
    assert copies.copy_of("c.eml", mail.replace(". C", " ; c")).exact
    assert copies.copy_of("d.txt", "") is None and copies.copy_of("e.txt", "…") is None  # nothing to count
