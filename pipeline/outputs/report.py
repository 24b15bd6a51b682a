"""The report: one self-contained `report.html` (inline CSS, JS and images; no network) and `summary.md`.

Security: every piece of corpus text is escaped. In HTML it goes through `html.escape`; the passages
travel as JSON inside `<script type="application/json">`, where `<`, `>` and `&` are written as \\u003c…
so no passage can close the block; the page's script builds the passage browser with `textContent` only.
A Content-Security-Policy meta forbids every network load. Output is deterministic: the same data gives
the same bytes (no timestamp unless `ReportData.generated_at` is given)."""

from __future__ import annotations

import base64
import html
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from pipeline.clean import RULES
from pipeline.nlp.modeltext import rendered_markup
from pipeline.outputs.colours import dimension_tint, type_colours
from pipeline.settings import PACKAGE_DATA
from pipeline.types import AnalysedPassage, Passage

__all__ = ["ReportData", "highlight_segments", "write_report", "write_summary"]

CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)

COUNT_LABELS = {
    "documents": "Documents analysés",
    "passages": "Passages",
    "word_tokens": "Mots",
    "words": "Mots pleins (noms, verbes, adjectifs)",
    "tags": "Catégories attribuées",
    "tagged_passages": "Passages avec au moins une catégorie",
    "competences": "Occurrences de compétences",
    "competence_terms": "Termes de compétence distincts",
    "removed_spans": "Segments retirés au nettoyage",
    "removed_characters": "Caractères retirés au nettoyage",
    "skipped_files": "Fichiers ignorés",
    "skipped": "Fichiers ignorés",
    "vocabulary": "Vocabulaire (lemmes distincts)",
    "terms": "Termes de plusieurs mots",
}
# The cleaning rules' names, as a reader of the report understands them.
REASON_LABELS = {name: rule.label for name, rule in RULES.items()}
KIND_LABELS = {"heading": "titre", "paragraph": "paragraphe", "bullet": "puce", "quote": "citation"}
SOURCE_LABELS = {"rule": "règle", "model": "modèle", "rule+model": "règle + modèle"}
COMPETENCE_TYPES = {
    "savoir-etre": "savoir-être",
    "methode": "méthode",
    "transversale": "transversale",
    "autre": "autre",
}
PASSAGES_PER_PAGE = 100


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows. `figures` are (caption, PNG path); `tables` are (caption, header,
    rows already cut to the top ones); `categories` maps category id -> French label and `dimensions`
    dimension id (the part of a category id before ':') -> French label."""

    title: str
    generated_from: str
    counts: Mapping[str, int]
    removals_by_reason: Sequence[tuple[str, int, int]] = ()
    removal_examples: Mapping[str, Sequence[tuple[str, int]]] = field(default_factory=dict)
    skipped: Sequence[tuple[str, str]] = ()
    figures: Sequence[tuple[str, Path]] = ()
    embedded_figures: Mapping[Path, bytes] = field(default_factory=dict)  # PNG path -> `embedded_png`'s bytes
    figures_not_drawn: Sequence[tuple[str, str]] = ()  # (caption, why): a chart would show only zeros
    tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence[object]]]] = ()
    categories: Mapping[str, str] = field(default_factory=dict)
    dimensions: Mapping[str, str] = field(default_factory=dict)
    passages: Sequence[AnalysedPassage] = ()
    notes: Sequence[str] = ()
    generated_at: str | None = None
    # passages per category over the whole corpus (the browser may hold only some of them)
    category_totals: Mapping[str, int] = field(default_factory=dict)
    # category -> how much to trust its tags, from the classifier's last cross-validation
    reliability: Mapping[str, Reliability] = field(default_factory=dict)
    reliability_source: str = ""  # what the reliability was measured on, in words
    # doc_id -> its variables, and the variables the browser filters on (those the run compared)
    document_metadata: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    browser_variables: Sequence[str] = ()
    # doc_id -> its most specific words, and what cleaning removed from it as (reason, excerpt)
    document_words: Mapping[str, Sequence[str]] = field(default_factory=dict)
    document_removals: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)
    document_totals: Mapping[str, int] = field(default_factory=dict)  # passages per document in the corpus


@dataclass(frozen=True)
class Reliability:
    precision: float
    recall: float
    support: int  # annotated passages that carry the category

    @property
    def doubtful(self) -> bool:
        return self.precision < DOUBTFUL_PRECISION


# Below this precision, most tags of the category are wrong: the report and summary.md say so.
DOUBTFUL_PRECISION = 0.5


# ---------------------------------------------------------------------------------------------------------
# Highlighting


@lru_cache(maxsize=4096)
def _word_pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def _token_positions(tokens: Sequence[tuple[str, str, str, bool, int]]) -> dict[str, list[int]]:
    """Casefolded surface form and lemma -> positions of the tokens that have it."""
    positions: dict[str, list[int]] = {}
    for position, (surface, lemma, *_rest) in enumerate(tokens):
        for form in {surface.casefold(), lemma.casefold()}:
            positions.setdefault(form, []).append(position)
    return positions


def _evidence_spans(
    text: str,
    tokens: Sequence[tuple[str, str, str, bool, int]],
    positions: Mapping[str, list[int]],
    evidence: str,
) -> set[tuple[int, int]]:
    """Where `evidence` (surface words or lemmas) occurs in the passage text."""
    wanted = [word.casefold() for word in evidence.split()]
    if not wanted:
        return set()
    spans = {match.span() for match in _word_pattern(evidence).finditer(text)}
    # Rule evidence may be lemmas ("coopérer" for "coopèrent"): match them on the tokens too.
    for first in positions.get(wanted[0], ()):
        last = first + len(wanted) - 1
        if last >= len(tokens):
            continue
        if all(first + n in set(positions.get(word, ())) for n, word in enumerate(wanted[1:], start=1)):
            start, end = tokens[first][4], tokens[last][4] + len(tokens[last][0])
            if 0 <= start < end <= len(text):
                spans.add((start, end))
    return spans


def highlight_segments(passage: AnalysedPassage) -> list[str | list[object]]:
    """The passage text cut into pieces: a plain piece is a string, a highlighted one is
    `[text, [category ids whose evidence covers it], [[competence type, term], …]]`. The Markdown markup
    a reader of the rendered text does not see (`nlp.modeltext.rendered_markup`: emphasis stars, a link's
    brackets and target, an image) is not shown: « l'**écoute** » reads « l'écoute »; the passage keeps it in
    `passages.jsonl` and the exports."""
    text = passage.passage.text
    hidden = rendered_markup(text)

    def shown(start: int, end: int) -> str:
        return text[start:end] if not hidden else "".join(
            char for index, char in enumerate(text[start:end], start) if index not in hidden)

    positions = _token_positions(passage.tokens) if passage.tokens and passage.tags else {}
    evidence_marks: list[tuple[int, int, str]] = []
    for tag in passage.tags:
        for evidence in tag.evidence:
            spans = _evidence_spans(text, passage.tokens, positions, evidence)
            evidence_marks.extend((start, end, tag.category) for start, end in sorted(spans))
    competence_marks = [
        (c.start, c.end, [c.type, c.term]) for c in passage.competences if 0 <= c.start < c.end <= len(text)
    ]
    if not evidence_marks and not competence_marks:
        return [shown(0, len(text))] if shown(0, len(text)) else []
    cuts = sorted({0, len(text), *(m[0] for m in evidence_marks), *(m[1] for m in evidence_marks),
                   *(m[0] for m in competence_marks), *(m[1] for m in competence_marks)})
    segments: list[str | list[object]] = []
    for start, end in pairwise(cuts):
        categories: list[str] = []
        for mark_start, mark_end, category in evidence_marks:
            if mark_start <= start and end <= mark_end and category not in categories:
                categories.append(category)
        competences: list[list[str]] = []
        for mark_start, mark_end, pair in competence_marks:
            if mark_start <= start and end <= mark_end and pair not in competences:
                competences.append(pair)
        piece = shown(start, end)
        if not piece:
            continue
        if categories or competences:
            segments.append([piece, categories, competences])
        elif segments and isinstance(segments[-1], str):
            segments[-1] += piece
        else:
            segments.append(piece)
    return segments


# ---------------------------------------------------------------------------------------------------------
# Formatting helpers


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _number(value: object) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return _number(int(value))
        return f"{value:.4g}".replace(".", ",")
    return str(value)


def _count_label(key: str) -> str:
    return COUNT_LABELS.get(key, key.replace("_", " ").capitalize())


def _json_for_script(payload: object) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' can end the block early."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _passages_per_category(passages: Iterable[AnalysedPassage]) -> Counter[str]:
    """How many passages carry each category (a passage counts once per category)."""
    return Counter(category for p in passages for category in {tag.category for tag in p.tags})


def _dimension_of(category: str) -> str:
    return category.split(":", 1)[0]


def _category_order(data: ReportData) -> list[str]:
    """Categories of the codebook first (its order), then any others found on passages (sorted)."""
    extra = sorted({tag.category for p in data.passages for tag in p.tags} - set(data.categories))
    return [*data.categories, *extra]


def _dimension_order(data: ReportData, categories: Iterable[str]) -> list[str]:
    found = [_dimension_of(category) for category in categories]
    return list(dict.fromkeys([*data.dimensions, *found]))


def _type_order(data: ReportData) -> list[str]:
    found = sorted({c.type for p in data.passages for c in p.competences} - set(COMPETENCE_TYPES))
    return [*COMPETENCE_TYPES, *found]


# ---------------------------------------------------------------------------------------------------------
# Page parts


def _table(header: Sequence[str], rows: Iterable[Sequence[object]], caption: str | None = None) -> str:
    parts = ["<table>"]
    if caption:
        parts.append(f"<caption>{_esc(caption)}</caption>")
    heads = "".join(f'<th scope="col">{_esc(h)}</th>' for h in header)
    parts.append(f"<thead><tr>{heads}</tr></thead>")
    parts.append("<tbody>")
    for row in rows:
        cells = "".join(
            f"<td class=\"nombre\">{_esc(_number(cell))}</td>" if isinstance(cell, int | float)
            else f"<td>{_esc(cell)}</td>"
            for cell in row
        )
        parts.append(f"<tr>{cells}</tr>")
    parts.append("</tbody></table>")
    return "\n".join(parts)


def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"


def reliability_note(reliability: Reliability | None) -> str:
    """« précision 34 %, rappel 59 % ⚠ peu fiable » for a category, or "" when it was not measured."""
    if reliability is None:
        return ""
    note = f"précision {_pct(reliability.precision)}, rappel {_pct(reliability.recall)}"
    return note + (" ⚠ peu fiable" if reliability.doubtful else "")


def _reliability_section(data: ReportData) -> str:
    parts = ["<h3>Fiabilité des catégories</h3>"]
    if not data.reliability:
        parts.append("<p>Aucune mesure de fiabilité : pas de modèle entraîné (les catégories viennent des "
                     "règles seules). <code>make evaluate</code> les mesure sur les annotations.</p>")
        return "\n".join(parts)
    parts.append(f"<p>Mesurée {_esc(data.reliability_source)}. Une catégorie dont la précision est sous "
                 f"{_pct(DOUBTFUL_PRECISION)} est marquée ⚠ : la plupart de ses passages ne la portent pas "
                 "pour un lecteur.</p>")
    rows = []
    for category, label in data.categories.items():
        measured = data.reliability.get(category)
        if measured is None:
            rows.append((label, data.category_totals.get(category, 0), "—", "—", 0, "non mesurée"))
            continue
        rows.append((label, data.category_totals.get(category, 0), _pct(measured.precision),
                     _pct(measured.recall), measured.support, "⚠ peu fiable" if measured.doubtful else ""))
    parts.append(_table(["Catégorie", "Passages du corpus", "Précision", "Rappel", "Passages annotés", ""],
                        rows))
    return "\n".join(parts)


def _overview_section(data: ReportData) -> str:
    parts = ['<section id="apercu"><h2>Aperçu du corpus</h2>']
    parts.append(_table(["Mesure", "Valeur"], [(_count_label(k), v) for k, v in data.counts.items()],
                        "Chiffres clés"))
    parts.append(_reliability_section(data))
    parts.append("<h3>Texte retiré au nettoyage, par motif</h3>")
    if data.removals_by_reason:
        rows = [(f"{REASON_LABELS.get(reason, reason)} ({reason})", spans, chars,
                 " · ".join(f"« {text} »" + (f" ×{n}" if n > 1 else "")
                            for text, n in data.removal_examples.get(reason, ())))
                for reason, spans, chars in data.removals_by_reason]
        parts.append(_table(["Motif", "Segments", "Caractères", "Exemples (les plus fréquents)"], rows))
    else:
        parts.append("<p>Aucun texte n'a été retiré.</p>")
    parts.append("<h3>Fichiers ignorés</h3>")
    if data.skipped:
        parts.append(_table(["Fichier", "Raison"], data.skipped))
    else:
        parts.append("<p>Tous les fichiers du corpus ont pu être lus.</p>")
    parts.append("</section>")
    return "\n".join(parts)


EMBEDDED_COLOURS = 32  # palette of the report's copy of a figure: a word cloud loses nothing visible


def embedded_png(path: Path) -> bytes:
    """The figure as the report embeds it: the same picture on a palette of EMBEDDED_COLOURS colours, about a
    quarter of the bytes of the full-colour PNG kept in figures/ (the report stays one offline file, and
    light); the file itself when that is not smaller or it cannot be read as an image."""
    from PIL import Image, UnidentifiedImageError

    original = path.read_bytes()
    try:
        with Image.open(io.BytesIO(original)) as image:
            palette = image.convert("RGB").quantize(colors=EMBEDDED_COLOURS, method=Image.Quantize.MEDIANCUT)
    except (OSError, UnidentifiedImageError, ValueError):
        return original
    buffer = io.BytesIO()
    palette.save(buffer, "PNG", optimize=True)
    smaller = buffer.getvalue()
    return smaller if len(smaller) < len(original) else original


def _figures_section(data: ReportData) -> str:
    parts = ['<section id="figures"><h2>Figures</h2>']
    if not data.figures:
        parts.append("<p>Aucune figure n'a été produite.</p>")
    if data.figures_not_drawn:
        parts.append("<p>Figures non tracées :</p><ul>" + "".join(
            f"<li>{_esc(caption)} : {_esc(why)}</li>" for caption, why in data.figures_not_drawn) + "</ul>")
    for caption, path in data.figures:
        path = Path(path)
        if not path.is_file():
            parts.append(f'<p class="manquant">Figure introuvable : {_esc(caption)} ({_esc(path.name)})</p>')
            continue
        svg = path.suffix.lower() == ".svg"
        content = path.read_bytes() if svg else data.embedded_figures.get(path) or embedded_png(path)
        encoded = base64.b64encode(content).decode("ascii")
        mime = "image/svg+xml" if svg else "image/png"
        parts.append(
            f"<figure><img src=\"data:{mime};base64,{encoded}\" alt=\"{_esc(caption)}\">"
            f"<figcaption>{_esc(caption)}</figcaption></figure>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def _tables_section(data: ReportData) -> str:
    parts = ['<section id="tableaux"><h2>Tableaux principaux</h2>']
    if not data.tables:
        parts.append("<p>Aucun tableau.</p>")
    for caption, header, rows in data.tables:
        parts.append(_table(header, rows, caption))
    parts.append("</section>")
    return "\n".join(parts)


# The browser's passages travel as rows, not objects, with documents, headings and kinds as indexes into
# tables sent once: on crdh the data shrinks by a third. The script turns the rows back into objects.
PASSAGE_ROW = ("index", "doc", "heading", "context", "kind", "segments", "tags", "comps")


class _Interned:
    """Values numbered in order of first appearance, for the payload's lookup tables."""

    def __init__(self) -> None:
        self.values: list = []
        self._index: dict = {}

    def __call__(self, value) -> int:  # noqa: ANN001 - any hashable value
        key = tuple(value) if isinstance(value, list) else value
        if key not in self._index:
            self._index[key] = len(self.values)
            self.values.append(value)
        return self._index[key]


def _passage_row(item: AnalysedPassage, docs: _Interned, headings: _Interned, kinds: _Interned) -> list:
    passage: Passage = item.passage
    return [
        passage.index,
        docs(passage.doc_id),
        headings(list(passage.heading)),
        list(passage.context),
        kinds(KIND_LABELS.get(passage.kind, passage.kind)),
        highlight_segments(item),
        [[tag.category, round(tag.score, 3), SOURCE_LABELS.get(tag.source, tag.source), list(tag.evidence)]
         for tag in item.tags],
        [[c.term, c.type] for c in item.competences],
    ]


def _browser_section(data: ReportData) -> tuple[str, str, str]:
    """The passage browser's HTML, its extra CSS (one colour per dimension and type) and its JSON data."""
    categories = _category_order(data)
    dimensions = _dimension_order(data, categories)
    types = _type_order(data)
    per_category = _passages_per_category(data.passages)
    per_document = Counter(p.passage.doc_id for p in data.passages)
    per_type = Counter(c.type for p in data.passages for c in {c.type: c for c in p.competences}.values())
    untagged = sum(1 for p in data.passages if not p.tags)

    # the figures' colours (outputs/colours.py): a dimension's evidence in a light tint of its bars' hue
    css = [f".dim-{n}{{background:{dimension_tint(n)}}}" for n in range(len(dimensions))]
    colour_of_type = type_colours(types)
    css += [f".type-{n}{{border-bottom:3px solid {colour_of_type[t]}}}" for n, t in enumerate(types)]

    category_options = ['<option value="">Toutes les catégories</option>',
                        f'<option value="__aucune__">Sans catégorie ({untagged})</option>']
    category_options += [
        f'<option value="{_esc(c)}">{_esc(data.categories.get(c, c))} — {_esc(c)} '
        f"({per_category[c]})</option>"
        for c in categories
    ]
    def held(doc_id: str, n: int) -> str:
        total = data.document_totals.get(doc_id, n)
        return f"{n}" if total == n else f"{n} sur {total}"

    document_options = ['<option value="">Tous les documents</option>'] + [
        f'<option value="{_esc(d)}">{_esc(d)} ({held(d, n)})</option>' for d, n in per_document.items()
    ]
    type_options = ['<option value="">Tous les types de compétence</option>'] + [
        f'<option value="{_esc(t)}">{_esc(COMPETENCE_TYPES.get(t, t))} ({per_type[t]})</option>'
        for t in types
    ]

    variable_filters = []
    for variable in data.browser_variables:
        values = sorted({data.document_metadata.get(d, {}).get(variable) for d in per_document} - {None})
        options = [f'<option value="">{_esc(variable)} : toutes les valeurs</option>']
        options += [f'<option value="{_esc(v)}">{_esc(v)}</option>' for v in values]
        variable_filters.append(f'<label>{_esc(variable)} <select class="filtre-variable" '
                                f'data-variable="{_esc(variable)}">{"".join(options)}</select></label>')

    legend = ['<div class="legende"><p><strong>Indices de catégorie</strong> (surlignés, couleur de la '
              "dimension ; survoler un mot pour voir la catégorie) :</p><ul>"]
    for number, dimension in enumerate(dimensions):
        names = [data.categories.get(c, c) for c in categories if _dimension_of(c) == dimension]
        legend.append(
            f'<li><mark class="dim-{number}">{_esc(data.dimensions.get(dimension, dimension))}</mark> '
            f"{_esc(' ; '.join(names))}</li>"
        )
    legend.append("</ul><p><strong>Compétences</strong> (soulignées, couleur du type) :</p><ul>")
    for number, kind in enumerate(types):
        legend.append(f'<li><span class="type-{number}">{_esc(COMPETENCE_TYPES.get(kind, kind))}</span></li>')
    legend.append("</ul></div>")

    body = f"""<section id="passages"><h2>Passages</h2>
{''.join(legend)}
<form class="filtres" id="filtres" onsubmit="return false">
<label>Catégorie <select id="filtre-categorie">{''.join(category_options)}</select></label>
<label>Document <select id="filtre-document">{''.join(document_options)}</select></label>
<label>Compétence <select id="filtre-competence">{''.join(type_options)}</select></label>
{''.join(variable_filters)}
<label>Texte <input type="search" id="filtre-texte" placeholder="mot à chercher"></label>
<button type="button" id="filtre-reinitialiser">Réinitialiser</button>
</form>
<div id="vue-document" hidden></div>
<p id="compte-passages" aria-live="polite"></p>
<noscript><p>Le navigateur de passages a besoin de JavaScript.</p></noscript>
<div id="liste-passages"></div>
<button type="button" id="plus-de-passages" hidden>Afficher plus de passages</button>
</section>
<section id="concordance"><h2>Concordance</h2>
<p>Chaque occurrence d'un mot ou d'une expression dans les passages du navigateur, avec son contexte. Sans
égard aux accents ni à la casse ; un mot trouve aussi son pluriel ; <code>*</code> remplace des lettres,
<code>?</code> une seule
(<code>coopér*</code> trouve coopérer, coopération, coopérations…). Cliquer sur une ligne montre son
passage.</p>
<form class="filtres" id="concordance-formulaire" onsubmit="return false">
<label>Mot ou expression <input type="search" id="concordance-terme" placeholder="coopér*"></label>
<label>Trier par <select id="concordance-tri"><option value="text">ordre du corpus</option>
<option value="left">mot d'avant</option><option value="right">mots d'après</option>
<option value="match">forme trouvée</option></select></label>
<button type="button" id="concordance-csv" disabled>Exporter en CSV</button>
</form>
<p id="concordance-compte" aria-live="polite"></p>
<table id="concordance-lignes" class="concordance" hidden><thead><tr><th scope="col">Document</th>
<th scope="col" class="gauche">Avant</th><th scope="col">Forme</th><th scope="col">Après</th></tr></thead>
<tbody></tbody></table>
</section>"""

    payload = {
        "pageSize": PASSAGES_PER_PAGE,
        "categories": [
            {"id": c, "label": data.categories.get(c, c), "dim": dimensions.index(_dimension_of(c))}
            for c in categories
        ],
        "types": [{"id": t, "label": COMPETENCE_TYPES.get(t, t)} for t in types],
    }
    docs, headings, kinds = _Interned(), _Interned(), _Interned()
    payload["passages"] = [_passage_row(p, docs, headings, kinds) for p in data.passages]
    payload |= {"row": list(PASSAGE_ROW), "docs": docs.values, "headings": headings.values,
                "kinds": kinds.values,
                "docMeta": [{v: data.document_metadata.get(d, {}).get(v) for v in data.browser_variables
                             if data.document_metadata.get(d, {}).get(v) is not None} for d in docs.values],
                "docTotals": [data.document_totals.get(d, per_document[d]) for d in docs.values],
                "docWords": [list(data.document_words.get(d, ())) for d in docs.values],
                "docRemoved": [[[REASON_LABELS.get(r, r), text] for r, text in
                                data.document_removals.get(d, ())] for d in docs.values]}
    return body, "\n".join(css), _json_for_script(payload)


def _asset(name: str) -> str:
    """A file of the report's own style or script, shipped in `pipeline/data/` (edited as CSS or JS)."""
    return "\n" + (PACKAGE_DATA / name).read_text(encoding="utf-8")


STYLE = _asset("report.css")
SCRIPT = _asset("report.js")


def render_report(data: ReportData) -> str:
    """The whole report page as a string."""
    browser, browser_css, payload = _browser_section(data)
    notes = ""
    if data.notes:
        notes = '<div class="notes"><p><strong>Remarques</strong></p><ul>' + "".join(
            f"<li>{_esc(note)}</li>" for note in data.notes
        ) + "</ul></div>"
    when = f" — produit le {_esc(data.generated_at)}" if data.generated_at else ""
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>{_esc(data.title)}</title>
<style>{STYLE}
{browser_css}
</style>
</head>
<body>
<header>
<h1>{_esc(data.title)}</h1>
<p class="source">Corpus : <code>{_esc(data.generated_from)}</code>{when}</p>
<nav><ul><li><a href="#apercu">Aperçu</a></li><li><a href="#figures">Figures</a></li>
<li><a href="#tableaux">Tableaux</a></li><li><a href="#passages">Passages</a></li>
<li><a href="#concordance">Concordance</a></li></ul></nav>
</header>
<main>
{notes}
{_overview_section(data)}
{_figures_section(data)}
{_tables_section(data)}
{browser}
</main>
<script type="application/json" id="donnees-passages">{payload}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""


def write_report(data: ReportData, path: Path) -> None:
    """Write the self-contained HTML report to `path` (UTF-8)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(data), encoding="utf-8", newline="\n")


def _markdown_href(href: str) -> str:
    return f"<{href}>" if re.search(r"[\s()<>]", href) else href


def _markdown_text(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", text)


def render_summary(data: ReportData, *, links: Sequence[tuple[str, str]]) -> str:
    """summary.md as a string: headline counts, top categories, notes and links (label, relative path)."""
    lines = [f"# {_markdown_text(data.title)}", "", f"Corpus analysé : `{data.generated_from}`", ""]
    if data.generated_at:
        lines += [f"Produit le {data.generated_at}", ""]
    lines += ["## Chiffres clés", ""]
    lines += [f"- {_count_label(key)} : {_number(value)}" for key, value in data.counts.items()]
    per_category = dict(data.category_totals) or _passages_per_category(data.passages)
    per_category = {c: n for c, n in per_category.items() if n}
    if per_category:
        lines += ["", "## Catégories les plus fréquentes (nombre de passages)", ""]
        if data.reliability:
            lines += [f"Fiabilité mesurée {_markdown_text(data.reliability_source)} ; ⚠ : précision sous "
                      f"{_pct(DOUBTFUL_PRECISION)}.", ""]
        ranked = sorted(per_category.items(), key=lambda item: (-item[1], item[0]))
        for c, n in ranked[:12]:
            note = reliability_note(data.reliability.get(c))
            lines.append(f"- {_markdown_text(data.categories.get(c, c))} (`{c}`) : {_number(n)}"
                         + (f" — {note}" if note else ""))
    if data.skipped:
        lines += ["", "## Fichiers ignorés", ""]
        lines += [f"- `{path}` : {_markdown_text(reason)}" for path, reason in data.skipped]
    if data.notes:
        lines += ["", "## Remarques", ""]
        lines += [f"- {_markdown_text(note)}" for note in data.notes]
    if links:
        lines += ["", "## Fichiers produits", ""]
        lines += [f"- [{_markdown_text(label)}]({_markdown_href(href)})" for label, href in links]
    return "\n".join(lines) + "\n"


def write_summary(data: ReportData, path: Path, *, links: Sequence[tuple[str, str]]) -> None:
    """Write summary.md: headline counts and relative links to the produced files."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_summary(data, links=links), encoding="utf-8", newline="\n")
