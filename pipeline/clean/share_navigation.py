"""Rule "share_navigation": sharing buttons, "J'aime", related-post and previous/next links, breadcrumbs,
cookie notices, "Imprimer", category/tag lines and standalone "Publié le … par …" metadata lines.

Every pattern must match the whole line, so a sentence that says "partager" or "Facebook" is kept."""

from __future__ import annotations

import re

from pipeline.clean.comments import is_section_start
from pipeline.clean.dates import DATE, WEEKDAYS
from pipeline.clean.line_features import WORD, stop_words
from pipeline.clean.lines import Span, split_lines, whole_line

_NETWORK = (
    r"(?:facebook|twitter|linkedin|pinterest|whatsapp|tumblr|reddit|telegram|pocket|mastodon|bluesky|"
    r"e-?mail|courriel|imprimer|print|skype|messenger|viadeo|google\s*\+|google plus)"
)
_APOSTROPHE = r"['’]"
# An author name: a few words, no sentence punctuation and no comma (a comma means the sentence goes on).
_NAME = r"[^\s.!?;:,][^.!?;:,]{0,58}"

# Headers of a list of other articles: the titles (and excerpts) under one go with it (`_related_list_end`).
_RELATED = (
    r"(?:(?:les )?articles? (?:similaires|liés|connexes|récents|populaires|"
    r"les plus (?:lus|consultés|partagés))|"
    r"sur le même (?:thème|sujet)|dans la même rubrique|(?:à lire|lire) aussi|vous aimerez aussi|"
    r"les plus lus|related(?: posts)?)\s*:?"
)
RELATED_HEADER = re.compile(_RELATED, re.IGNORECASE)
# A line under such a header is still the list's while it does not read as a report's prose: a sentence of
# this many words or more, mostly French stop words, ending with a full stop, ends the list.
PROSE_WORDS = 12
NAVIGATION_LINE = re.compile(
    "|".join(
        [
            # Sharing buttons, alone or several on one line: "Partager :", "Partager sur Facebook", "Twitter".
            rf"(?:partager|partagez|share)(?:\s+(?:cet article|ceci|cette page|la publication|this))?"
            rf"(?:\s+(?:sur|via|on)\s+{_NETWORK})?\s*:?",
            rf"(?:(?:cliquez pour partager sur|cliquer pour|partager sur)\s+)?{_NETWORK}"
            rf"(?:\s*\((?:ouvre|s{_APOSTROPHE}ouvre|nouvelle)[^)]{{0,60}}\))?",
            rf"{_NETWORK}(?:\s*[|,·•]?\s*{_NETWORK}){{1,9}}",
            # Likes.
            rf"j{_APOSTROPHE}aime(?:\s+(?:chargement|ça|ceci))?\s*(?:…|\.\.\.)?",
            r"chargement\s*(?:…|\.\.\.)",
            r"(?:soyez le premier|be the first) (?:à aimer|to like)[^.]{0,40}\.?",
            # Related posts and previous/next links.
            _RELATED,
            r"(?:lire|voir) (?:la suite|plus)(?:\s+(?:de l['’]article|»|→|…))?\s*(?:→|»|…|\.\.\.)?",
            r"(?:[←«‹]\s*)?(?:article|billet|page) (?:précédent|suivant)e?(?:\s*:.{0,120})?(?:\s*[→»›])?",
            r"navigation (?:des|de l['’]|d['’])?\s*articles?|aller au contenu(?: principal)?|menu|"
            r"rechercher\s*:?|recherche\s*:|s['’]abonner|abonnez-vous|suivre|"
            r"(?:retour )?(?:en )?haut (?:de (?:la )?page|de l['’]article|(?:d['’]|de l['’])?article)",
            # A theme's strings: where the reader is, the search box's prompt, a widget that failed to load.
            r"vous lisez\s*:?",
            r"(?:faites|faîtes|tapez|entrez|saisissez) votre recherche[^.!?]{0,80}",
            r"une erreur est survenue lors d[eu]s? (?:la )?(?:récupération|chargement)[^.!?]{0,80}",
            # A magazine's issue navigation: « Article du numéro 385 - 01 septembre 2009 ».
            rf"(?:tous les )?articles? du (?:numéro|n°)\s*\d{{1,4}}(?:\s*[-–—]\s*{DATE})?",
            # Cookie notices and their buttons.
            r"(?:ce site|notre site|ce site web) utilise des cookies.{0,300}",
            r"(?:en poursuivant (?:votre navigation|sur ce site)|nous utilisons des cookies).{0,300}",
            r"(?:j['’])?accepte(?:r)?(?: (?:les|tous les) cookies| tout)?|tout accepter|refuser(?: tout)?|"
            r"(?:paramètres|gérer les|politique) (?:des |de )?cookies|en savoir plus sur les cookies",
        ]
    ),
    re.IGNORECASE,
)
# A page's toolbar: a line made only of its buttons, one or several ("Copier le lien Partager sur Facebook
# Imprimer", "Envoyer à un ami  Imprimer  Augmenter la taille du texte", "En savoir plus", "Partager : sur
# Facebook, sur Twitter").
_BUTTON = (
    rf"(?:partager|partagez|share)(?:\s+(?:cet article|cette page|la page|ceci))?(?:\s*:)?|"
    rf"(?:(?:partager\s+)?sur\s+)?{_NETWORK}\+?|"
    r"imprimer(?:\s+(?:cet article|cette page|la page))?|"
    r"envoyer(?:\s+(?:cet article|cette page))?(?:\s+(?:à|a) un ami|\s+par (?:e-?mail|courriel))|"
    r"copier le lien|télécharger (?:cet article|cette page|la page)(?: en pdf)?|"
    r"(?:augmenter|réduire|diminuer) la taille du texte|"
    r"(?:s['’])?abonner(?:\s+(?:à\s+l['’])?article)?|(?:se\s+)?d[ée]sabonner(?:\s+article)?|"
    r"(?:ajouter aux )?favoris|en savoir plus|continuer (?:à|a) lire|"
    # a shop's buttons beside a magazine's article
    r"ajouter au panier|vous abonner(?:\s*\(\s*voir (?:les? )?tarifs?\s*\))?"
)
TOOLBAR = re.compile(rf"(?:{_BUTTON})(?:\s*[|,·•]?\s*(?:{_BUTTON}))*\s*[.!]?", re.IGNORECASE)
# A download link as a line of its own: « > Télécharger les actes du séminaire », « Télécharger le programme
# (pdf, 2 Mo) ». A report's sentences do not start with the imperative « Télécharger ». (A document host's
# « Download "<title>" » is left to page_furniture, which reads it with the viewer's other lines.)
DOWNLOAD = re.compile(r"[>→»›•+-]*\s*(?:télécharger|download)\b(?!\s*[\"“«])[^.!?]{0,120}", re.IGNORECASE)
# "Accueil > Actualités > Séminaire", "Accueil » Blog", "Accueil / Ressources / …".
BREADCRUMB = re.compile(
    r"(?:vous êtes ici\s*:\s*)?(?:accueil|home)(?: du site)?"
    r"\s*[>»›/|]\s*[^>»›/|]{0,100}(?:[>»›/|]\s*[^>»›/|]{0,100}){0,8}",
    re.IGNORECASE
)
# "Catégories : Actualités, Séminaires", "Étiquettes : coopération, territoires" (no sentence end).
TAXONOMY = re.compile(
    r"(?:catégories?|categories?|étiquettes?|mots[- ]clés|classé dans|rubriques?)\s*:\s*[^.!?]{1,200}",
    re.IGNORECASE,
)
# "Publié le 13 février 2015 par Marie Dupont", "Publié par X le 13/02/2015", "Posté le … dans …",
# "Mis à jour le 01/07/2022", "publié le 10 juillet 2017 (modifié le 9 mai 2019)", "Publication PUBLIÉ LE …".
_STAMP = (r"(?:publié|posté|mis en ligne|écrit|rédigé|mis à jour|mise à jour|dernière mise à jour|modifié|"
          r"actualisé)")
_WHEN = rf"(?:{WEEKDAYS}\s+)?{DATE}"
PUBLISHED = re.compile(
    rf"(?:publication\s*:?\s*)?{_STAMP}(?:\s+le\s+{_WHEN}(?:\s+à\s+\d{{1,2}}\s*[h:]\s*\d{{0,2}})?"
    rf"(?:\s+par\s+{_NAME})?|\s+par\s+{_NAME}?\s+le\s+{_WHEN})"
    rf"(?:\s*\(\s*{_STAMP}\s+le\s+{_WHEN}\s*\))?"
    rf"(?:\s*(?:dans|in|[|—–-])\s*[^.!?]{{0,80}})?\.?",
    re.IGNORECASE,
)
# A date and its author as a line of their own: "lundi 6 juillet 2015, par Corinne Trevisan".
DATED_BYLINE = re.compile(rf"{_WHEN}\s*,?\s+par\s+{_NAME}", re.IGNORECASE)
# "Temps de lecture 2 min", "- 1 min de lecture", "Lecture : 5 minutes".
READING_TIME = re.compile(
    r"[-•·]?\s*(?:(?:temps de )?lecture\s*:?\s*\d{1,2}\s*min(?:utes?)?\.?|"
    r"\d{1,2}\s*min(?:utes?)?\s+de lecture)",
    re.IGNORECASE,
)
# A footer's row of links ("Mentions légales | Plan du site | Contact"), or one of them alone, and the
# headings of a blog's side widgets standing alone ("Catégories", "Articles récents"; not "Archives", which
# heads a section of notes in crdh).
_FOOTER_LINK = (
    r"(?:mentions légales|plan du site|nous contacter|contact(?:ez-nous)?|accessibilité(?: : [^|]{1,30})?|"
    r"politique de confidentialité|données personnelles|conditions générales d['’]utilisation|cgu|"
    r"gestion des cookies|crédits|qui sommes-nous \??|newsletter|flux rss|rss|faq|aide)"
)
FOOTER = re.compile(
    rf"(?:mentions légales|plan du site|politique de confidentialité|"
    rf"{_FOOTER_LINK}(?:\s*[|•·–-]\s*{_FOOTER_LINK})+)",
    re.IGNORECASE,
)
WIDGET_HEADING = re.compile(
    r"(?:catégories|articles récents|commentaires récents|derniers articles|méta|nuage de tags|"
    r"(?:thématiques|thèmes|sujets) liée?s? (?:à|a) (?:l['’]|cet )article)"
    r"\s*:?",
    re.IGNORECASE,
)
# A paywall's lines: « Article réservé aux abonnés », « [90% reste à lire] ».
PAYWALL = re.compile(
    r"(?:article|contenu|la suite (?:de cet article )?est) réservée? aux abonnés\.?|"
    r"\[?\d{1,2}\s*% reste à lire\]?",
    re.IGNORECASE,
)
# Longest line looked at: navigation text is short (cookie notices are the longest, about 300 characters).
MAX_LINE = 400


# Every kind of navigation line; a line is navigation when one of them matches it whole.
NAVIGATION_PATTERNS = (NAVIGATION_LINE, BREADCRUMB, TAXONOMY, PUBLISHED, DATED_BYLINE, READING_TIME, TOOLBAR,
                       DOWNLOAD, PAYWALL, FOOTER, WIDGET_HEADING)


def is_navigation(text: str) -> bool:
    if len(text) > MAX_LINE:
        return False
    return any(pattern.fullmatch(text) for pattern in NAVIGATION_PATTERNS)


def _reads_as_prose(text: str) -> bool:
    words = WORD.findall(text)
    if len(words) < PROSE_WORDS or not text.endswith((".", "!", ":")):
        return False
    stops = stop_words()
    return sum(word.lower() in stops for word in words) / len(words) > 0.3


def _related_list_end(lines: list, start: int) -> int:
    """Index after the titles and excerpts listed under the related-articles header at `start`: up to a
    blank line, a line that reads as prose, or a comment section (its own rule takes it)."""
    index = start + 1
    while index < len(lines) and not lines[index].is_blank:
        text = lines[index].stripped
        if _reads_as_prose(text) or is_section_start(text):
            break
        index += 1
    return index


def find_share_navigation(text: str) -> list[Span]:
    lines = split_lines(text)
    spans: list[Span] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.is_blank or not is_navigation(line.stripped):
            index += 1
            continue
        end = _related_list_end(lines, index) if RELATED_HEADER.fullmatch(line.stripped) else index + 1
        spans.extend(whole_line(lines[i]) for i in range(index, end))
        index = end
    return spans
