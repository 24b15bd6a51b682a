"""Competence terms in passages: lexicon matching on words and lemmas, discovery of unlisted terms by POS
patterns, and typing of discovered terms from the lexicon or from word vectors. The lexicon is read by
`analysis.lexicon`; what stands around a matched word, by `analysis.phrases`.

Public API: `CompetenceExtractor`, `calibrate_vector_typing`."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from pipeline.analysis.lexicon import UNTYPED, Lexicon, LexiconTerm
from pipeline.analysis.licence import TYPE_FEATURE
from pipeline.analysis.phrases import (
    complement_noun,
    norm,
    object_noun,
    qualified_nouns,
    refused_by_structure,
    title_after_a_name,
    words_around,
)
from pipeline.errors import LexiconError
from pipeline.types import Competence

__all__ = ["CompetenceExtractor", "calibrate_vector_typing"]

MAX_TERM_TOKENS = 8  # a discovered term longer than this is a clause, not a term
MAX_LIST_ITEM_TOKENS = 6  # items of an enumeration longer than this are sentences, not competences


# ---------------------------------------------------------------------------------------- token keys

# Function words written differently in a variant and in the text ("des règles" / "les règles", "l’" whose
# lemma the model leaves as "l’") still match through these shared keys.
_FUNCTION_KEYS = {
    "le": {"le"}, "la": {"le"}, "les": {"le", "de"}, "l'": {"le"},
    "de": {"de"}, "d'": {"de"}, "du": {"de", "le"}, "des": {"de", "le", "un"},
    "un": {"un"}, "une": {"un"}, "à": {"à"}, "au": {"à", "le"}, "aux": {"à", "le"},
    "se": {"se"}, "s'": {"se"}, "son": {"son"}, "sa": {"son"}, "ses": {"son"},
}


_NO_KEYS: frozenset[str] = frozenset()


def _token_keys(token: Token) -> frozenset[str]:
    surface, lemma = norm(token.text), norm(token.lemma_)
    keys = {surface, lemma}
    for word in (surface, lemma):
        keys |= _FUNCTION_KEYS.get(word, set())
    return frozenset(keys)


# How a lexicon form may match: everywhere, in a passage about competences or roles (or, for the activities of
# `anchored_types`, with a person, group or gathering as object), or only with such an object.
PLAIN, CONTEXT, ANCHORED = "plain", "context", "anchored"
_HYPHENATED = re.compile(r"(\w)-(\w)")


@dataclass(frozen=True)
class _Form:
    keys: tuple[frozenset[str], ...]
    term: LexiconTerm
    kind: str


@dataclass(frozen=True)
class _Hit:
    start: int  # token indices
    end: int
    term: str
    type: str
    origin: str
    score: float | None = None
    needs_context: bool = False


@dataclass(frozen=True)
class LicenceCandidate:
    """A match of a lexicon form, the licence model's features of it and, with a model, its probability."""
    hit: _Hit
    features: dict[str, float]
    context: np.ndarray  # unit mean word vector of the content words around it (zeros when none)
    probability: float | None = None

    @property
    def term(self) -> str:
        return self.hit.term

    @property
    def kept_by_rules(self) -> bool:
        """What the lexicon's rules alone decide: their licence, and not inside a name."""
        return bool(self.features["rules_licence"]) and not self.features["in_name"]

    @property
    def second_reading(self) -> bool:
        """Whether the licence model may keep it although the rules do not: a form the rules reject for want
        of context or anchor, never one inside a name (« comité d'animation », « écoutes territoriales ») nor
        one they refuse by what stands around it (`refused_by_structure`: « faciliter l'accès aux données »,
        « un débat très animé », « les acteurs mobilisés par le PETR »)."""
        return not (self.features["rules_licence"] or self.features["in_name"] or self.features["refused"])


# ---------------------------------------------------------------------------------------- patterns

_DE = ["de", "d'", "d’", "du", "des"]
_DE_ONLY = ["de", "d'", "d’"]  # "capacité des institutions" is what institutions can do, not a competence
# Words of the patterns themselves: they say "this is a competence" but not which kind.
_GENERIC_HEADS = frozenset(
    {"capacité", "aptitude", "faculté", "maîtrise", "qualité", "habileté", "esprit", "sens", "savoir",
     "compétence"}
)
_INF = {"POS": {"IN": ["VERB", "AUX"]}, "MORPH": {"IS_SUPERSET": ["VerbForm=Inf"]}}
_CLITIC = {"LOWER": {"IN": ["se", "s'", "s’"]}, "OP": "?"}
# Patterns whose words also have ordinary meanings ("le sens des mots", "l'esprit humain", "l'esprit de la
# loi", "dans un esprit de fraternité"; « maîtrise » as control, « une vaste maîtrise des éléments du
# monde », or as a degree, « Maîtrise de muséologie ») count only in passages about competences; the others
# announce a competence by themselves.
_CONTEXT_ONLY_PATTERNS = {"SENS", "ESPRIT", "ESPRIT_ADJ", "MASTERY"}
# "capacité de + noun": machines and institutions have capacities too ("capacité de calcul", "de stockage",
# "de recherche"); the term is kept only when its noun is itself a competence word (see `_human_ability`).
_ABILITY_HEADS = ["capacité", "aptitude", "habileté"]


def _noun_phrases() -> list[list[dict[str, Any]]]:
    """DET? NOUN ADJ* and DET? NOUN ADJ* (de|à|en) DET? NOUN ADJ*."""
    core = [{"POS": "DET", "OP": "?"}, {"POS": "NOUN"}, {"POS": "ADJ", "OP": "*"}]
    tail = [{"LOWER": {"IN": [*_DE, "à", "au", "aux", "en"]}}, {"POS": "DET", "OP": "?"},
            {"POS": "NOUN"}, {"POS": "ADJ", "OP": "*"}]
    return [core, core + tail]


def _verb_phrases() -> list[list[dict[str, Any]]]:
    """An infinitive, alone or with an object (DET NOUN ADJ*) or a prepositional complement (en NOUN)."""
    verb = [_CLITIC, _INF]
    return [
        verb,
        [*verb, {"POS": "DET"}, {"POS": "NOUN"}, {"POS": "ADJ", "OP": "*"}],
        [*verb, {"POS": "ADP"}, {"POS": "NOUN"}],
        [*verb, {"POS": {"IN": ["ADJ", "NOUN"]}}],
    ]


def _discovery_patterns() -> dict[str, list[list[dict[str, Any]]]]:
    ability = {"LEMMA": {"IN": _ABILITY_HEADS}}
    mastery = {"LEMMA": "maîtrise"}
    patterns: dict[str, list[list[dict[str, Any]]]] = {
        key: [] for key in ("ABILITY_NOUN", "ABILITY_VERB", "MASTERY", "SENS", "SAVOIR", "FRAME")}
    for phrase in _noun_phrases():
        patterns["ABILITY_NOUN"].append([ability, {"LOWER": {"IN": _DE_ONLY}}, *phrase[1:]])
        patterns["MASTERY"].append([mastery, {"LOWER": {"IN": _DE}}, *phrase])
        patterns["SENS"].append([{"LEMMA": "sens"}, {"LOWER": {"IN": _DE}}, *phrase])
        patterns["FRAME"].append([{"LEMMA": "compétence"}, {"LOWER": {"IN": _DE}}, {"POS": "DET", "OP": "?"},
                                  {"LEMMA": "ordre"}, {"LOWER": {"IN": _DE}}, *phrase])
        patterns["FRAME"].append([{"LEMMA": "compétence"}, {"LOWER": "en"}, *phrase])
    for phrase in _verb_phrases():
        patterns["ABILITY_VERB"].append([ability, {"LOWER": {"IN": ["à", *_DE_ONLY]}}, *phrase])
        patterns["SAVOIR"].append([{"LOWER": "savoir"}, *phrase[1:]])
    patterns["ESPRIT"] = [[{"LEMMA": "esprit"}, {"LOWER": {"IN": _DE_ONLY}}, {"POS": "NOUN"}]]
    patterns["ESPRIT_ADJ"] = [[{"LEMMA": "esprit"}, {"POS": "ADJ"}]]
    return patterns


# --------------------------------------------------------------------------------------- vectors


def _unit(vector: np.ndarray) -> np.ndarray | None:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else None


def _content_vector(tokens: Iterable[Token], skip: frozenset[str] = frozenset()) -> np.ndarray | None:
    vectors = [t.vector for t in tokens
               if t.has_vector and t.is_alpha and not t.is_stop and norm(t.lemma_) not in skip]
    return _unit(np.mean(vectors, axis=0)) if vectors else None


def _nearest(vector: np.ndarray, centroids: dict[str, np.ndarray]) -> tuple[str, float, float]:
    """Best type, its cosine similarity, and the margin over the second best."""
    ranked = sorted(((float(vector @ c), t) for t, c in centroids.items()), reverse=True)
    best_score, best_type = ranked[0]
    second = ranked[1][0] if len(ranked) > 1 else -1.0
    return best_type, best_score, best_score - second


def _term_vectors(lexicon: Lexicon, nlp: Language) -> dict[LexiconTerm, np.ndarray]:
    """One unit vector per lexicon term: the mean of its forms' content words."""
    out: dict[LexiconTerm, np.ndarray] = {}
    for term in lexicon.terms:
        docs = list(nlp.pipe((*term.variants, *term.context_variants), batch_size=32))
        vector = _content_vector((t for d in docs for t in d), skip=_GENERIC_HEADS)
        if vector is not None:
            out[term] = vector
    return out


def _centroids(vectors: dict[LexiconTerm, np.ndarray], leave_out: LexiconTerm | None = None
               ) -> dict[str, np.ndarray]:
    by_type: dict[str, list[np.ndarray]] = {}
    for term, vector in vectors.items():
        if term is not leave_out:
            by_type.setdefault(term.type, []).append(vector)
    return {t: c for t, vs in by_type.items() if (c := _unit(np.mean(vs, axis=0))) is not None}


@dataclass(frozen=True)
class CalibrationRow:
    term: str
    gold: str
    predicted: str
    score: float
    margin: float


def calibrate_vector_typing(lexicon: Lexicon, nlp: Language) -> tuple[CalibrationRow, ...]:
    """Leave-one-out on the lexicon: type each term from the centroids of all the other terms."""
    vectors = _term_vectors(lexicon, nlp)
    rows = []
    for term, vector in vectors.items():
        predicted, score, margin = _nearest(vector, _centroids(vectors, leave_out=term))
        rows.append(CalibrationRow(term.term, term.type, predicted, score, margin))
    return tuple(rows)


# ------------------------------------------------------------------------------------- extractor


def _marker_pattern(markers: Sequence[str]) -> re.Pattern[str] | None:
    """Markers matched as word beginnings; None when there is none."""
    if not markers:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(m) for m in markers) + ")")


class CompetenceExtractor:
    """Finds competence terms in parsed passages. Build once per lexicon and model; `extract` per passage."""

    def __init__(self, lexicon: Lexicon, nlp: Language) -> None:
        self.lexicon = lexicon
        self._anchors = lexicon.activity_objects | lexicon.activity_gatherings  # what anchors an activity
        self._forms_by_first_key: dict[str, list[_Form]] = {}
        self._keys_memo: dict[tuple[int, int], frozenset[str]] = {}  # (orth, lemma) -> _token_keys
        self._build_forms(nlp)
        self._matcher = Matcher(nlp.vocab)
        for key, patterns in _discovery_patterns().items():
            self._matcher.add(key, patterns)
        self._centroids = _centroids(_term_vectors(lexicon, nlp))
        self._markers = _marker_pattern(lexicon.context_markers)
        self._roles = _marker_pattern(lexicon.role_markers)
        width = len(lexicon.licence.context_weights) if lexicon.licence is not None else 0
        if width and width != nlp.vocab.vectors_length:
            raise LexiconError(f"{lexicon.path}: its licence model reads word vectors of {width} dimensions, "
                               f"the spaCy model has {nlp.vocab.vectors_length}: refit it with this model "
                               "(python -m bench.fit_licence --write) or remove the lexicon's 'licence' line")

    def _build_forms(self, nlp: Language) -> None:
        entries = [(form, term, PLAIN) for term in self.lexicon.terms for form in term.variants]
        entries += [(form, term, CONTEXT) for term in self.lexicon.terms for form in term.context_variants]
        entries += [(form, term, ANCHORED) for term in self.lexicon.terms for form in term.anchored_variants]
        # a hyphenated word is also written with a space or a hyphen and a space (« co construction »,
        # « co- construction »), which the tokenizer cuts into two words
        entries += [(spelling, term, kind) for form, term, kind in list(entries) if _HYPHENATED.search(form)
                    for spelling in (_HYPHENATED.sub(r"\1 \2", form), _HYPHENATED.sub(r"\1- \2", form))]
        docs = nlp.pipe((form for form, _, _ in entries), batch_size=32)
        for (_, term, kind), doc in zip(entries, docs, strict=True):
            keys = tuple(_token_keys(t) for t in doc if not t.is_space)
            form = _Form(keys, term, kind)
            for key in keys[0]:
                self._forms_by_first_key.setdefault(key, []).append(form)

    # -- public

    def mentions_competences(self, text: str) -> bool:
        """True when `text` speaks of competences (compétences, savoir-être, savoir-faire…)."""
        return self._markers is not None and self._markers.search(norm(text)) is not None

    def mentions_roles(self, text: str) -> bool:
        """True when `text` speaks of people's roles, missions or jobs (rôle, mission, agent, métier…)."""
        return self._roles is not None and self._roles.search(norm(text)) is not None

    def about_competences(self, doc: Doc, context: Sequence[Doc] = ()) -> bool:
        """True when the passage, a heading above it or its introducing line mentions competences."""
        return any(self.mentions_competences(d.text) for d in (doc, *context))

    def about_roles(self, doc: Doc, context: Sequence[Doc] = ()) -> bool:
        return any(self.mentions_roles(d.text) for d in (doc, *context))

    def extract(
        self, doc: Doc, context: Sequence[Doc] = (), *, in_context: bool | None = None,
        on_roles: bool | None = None, second_reading: bool = True,
    ) -> tuple[Competence, ...]:
        """The competence terms of the passage `doc`. `in_context`: whether the passage is about
        competences, `on_roles`: whether it speaks of people's roles, when the caller knows it already (else
        each is worked out from `doc` and `context`). Context-only forms of the lexicon match in either
        case; the discovery patterns that need a context, only in the first. `second_reading=False`: the
        lexicon's rules alone, even with a licence model (people's Markdown notes, which it was not fitted
        on)."""
        if in_context is None:
            in_context = self.about_competences(doc, context)
        if on_roles is None:
            on_roles = self.about_roles(doc, context)
        keys = self.token_keys(doc)
        # The same forms type discovered terms: outside a passage about competences, a context-only form
        # ("s'adapter", "transmettre") is as ambiguous inside "capacité à s'adapter" as alone (the capacity
        # of libraries to adapt, of a device to transmit), so it neither matches nor types there.
        if self.lexicon.licence is None or not second_reading:
            lexical = [hit for hit in self._lexicon_hits(doc, keys, in_context, on_roles)
                       if not self._part_of_name(doc, hit)]
        else:  # the rules keep theirs; the model reads again what they reject (probability as the score)
            licence = self.lexicon.licence
            lexical = [c.hit if c.kept_by_rules else replace(c.hit, score=c.probability)
                       for c in self.lexicon_candidates(doc, keys, in_context, on_roles)
                       if c.kept_by_rules or c.second_reading and licence.knows(c.term)
                       and c.probability >= licence.threshold]
        # each discovered term is judged as its longest phrase: when that is rejected, a shorter piece of it
        # ("capacité à caractériser" out of "capacité à caractériser des erreurs") is not tried instead
        lexical_starts = [h.start for h in lexical]  # in order: the forms are matched left to right
        candidates = _longest_non_overlapping(self._type_discovered(doc[s:e], lexical, lexical_starts)
                                              for s, e in self._discovered_spans(doc, context, in_context))
        discovered = [h for h in candidates if self._keep_discovered(doc[h.start:h.end], h, lexical,
                                                                     in_context)]
        chosen = _longest_non_overlapping([*lexical, *discovered])
        return tuple(Competence(h.term, h.type, doc[h.start].idx, doc[h.end - 1].idx + len(doc[h.end - 1]),
                                h.origin, h.score) for h in chosen)

    # -- lexicon

    def token_keys(self, doc: Doc) -> list[frozenset[str]]:
        """Each token's matching keys (word and lemma, function words by family), memoised; none for a run of
        spaces, which a form matches across (« esprit de  synthèse », emphasis blanked inside it)."""
        memo = self._keys_memo
        keys = []
        for token in doc:
            if token.is_space:
                keys.append(_NO_KEYS)
                continue
            reading = (token.orth, token.lemma)
            token_keys = memo.get(reading)
            if token_keys is None:
                token_keys = memo[reading] = _token_keys(token)
            keys.append(token_keys)
        return keys

    def _form_matches(self, keys: list[frozenset[str]]) -> Iterable[tuple[int, int, _Form]]:
        """(start, end, form) in token indices of the doc, for every form matching its words in a row."""
        words = [i for i, token_keys in enumerate(keys) if token_keys]  # spaces left out
        for at, start in enumerate(words):
            candidates = {id(f): f for k in keys[start] for f in self._forms_by_first_key.get(k, ())}
            for form in candidates.values():
                last = at + len(form.keys) - 1
                if last < len(words) and all(wanted & keys[words[at + i]]
                                             for i, wanted in enumerate(form.keys)):
                    yield start, words[last] + 1, form

    def _rules_licence(self, doc: Doc, start: int, end: int, form: _Form, on_competences: bool,
                       on_roles: bool, anchored: bool | None = None) -> bool:
        """Whether the rules let the form count here; `anchored`, when the caller has worked it out."""
        def is_anchored() -> bool:
            return self._anchored(doc, start, end, form.term.anchors) if anchored is None else anchored

        activity = form.term.type in self.lexicon.anchored_types
        if form.kind == CONTEXT:
            # a passage about roles licenses activities; qualities need one about competences
            if on_competences or on_roles and (activity or not self.lexicon.anchored_types):
                return True
            return activity and is_anchored()
        if form.kind == ANCHORED:
            return is_anchored()
        return True

    def _lexicon_hits(self, doc: Doc, keys: list[frozenset[str]], on_competences: bool,
                      on_roles: bool) -> list[_Hit]:
        return [_Hit(start, end, form.term.term, form.term.type, "lexicon", needs_context=form.kind != PLAIN)
                for start, end, form in self._form_matches(keys)
                if self._rules_licence(doc, start, end, form, on_competences, on_roles)]

    def lexicon_candidates(self, doc: Doc, keys: list[frozenset[str]] | None = None,
                           on_competences: bool | None = None, on_roles: bool | None = None,
                           ) -> list[LicenceCandidate]:
        """Every match of a lexicon form in `doc`, whatever the rules say of it, with the features the
        licence model reads (`pipeline/analysis/licence.py`) and, with a model, its probability."""
        keys = self.token_keys(doc) if keys is None else keys
        on_competences = self.about_competences(doc) if on_competences is None else on_competences
        on_roles = self.about_roles(doc) if on_roles is None else on_roles
        licence = self.lexicon.licence
        words = float(np.log1p(sum(1 for t in doc if not (t.is_punct or t.is_space))))
        out = []
        for start, end, form in self._form_matches(keys):
            needs = form.kind != PLAIN
            hit = _Hit(start, end, form.term.term, form.term.type, "lexicon", needs_context=needs)
            anchored = self._anchored(doc, start, end, form.term.anchors)
            licensed = self._rules_licence(doc, start, end, form, on_competences, on_roles, anchored)
            features = {
                "needs_context": float(needs), "anchored_form": float(form.kind == ANCHORED),
                "rules_licence": float(licensed), "in_name": float(self._part_of_name(doc, hit)),
                "refused": float(not anchored and refused_by_structure(
                    doc, start, end, form.kind == ANCHORED, form.term.anchors or self._anchors,
                    self.lexicon.activity_objects)),
                "anchored": float(anchored),
                "about_competences": float(on_competences), "about_roles": float(on_roles),
                "passage_words": words, "capitalised": float(doc[start].text[:1].isupper()),
                "match_words": float(len(form.keys)), TYPE_FEATURE.format(form.term.type): 1.0,
            }
            around = words_around(doc, start, end)
            context = _content_vector(around)
            if context is None:
                context = np.zeros(doc.vocab.vectors_length, dtype=np.float32)
            probability = None
            if licence is not None:
                features["term_rate"], features["term_seen"] = licence.term_features(form.term.term)
                probability = licence.probability(features, context)
            out.append(LicenceCandidate(hit, features, context, probability))
        return out

    def _anchored(self, doc: Doc, start: int, end: int, own: frozenset[str] = frozenset()) -> bool:
        """Whether the activity named by doc[start:end] is done with or for people, groups or gatherings
        (`activity_objects`, `activity_gatherings`), or for a term with anchors of its `own` (« partager »
        experiences or practices), with one of those: the noun heading its object or complement (« animer un
        atelier », « mobiliser les habitants », « coordination des acteurs », « dialoguer avec les élus »),
        or, for a participle, its agent (« piloté par un binôme ») or, with an agent, the noun it qualifies
        (« la réunion animée par M. X »). Without a parser, the object is the first noun within a few words,
        across determiners, adjectives and the prepositions of a complement."""
        objects = own or self._anchors
        if not objects:
            return False
        last = doc[end - 1]
        following = object_noun(doc, end)
        if following is not None and norm(following.lemma_) in objects:
            return True
        if "Part" not in last.morph.get("VerbForm") or end >= len(doc) or norm(doc[end].text) != "par":
            return False  # without its agent, « un débat très animé » is a lively one
        agent = complement_noun(doc, end + 1)
        if not own and agent is not None and norm(agent.lemma_) in objects:  # own anchors are things
            return True
        qualified = own or self.lexicon.activity_gatherings
        return any(norm(noun.lemma_) in qualified for noun in qualified_nouns(doc, start))

    def _part_of_name(self, doc: Doc, hit: _Hit) -> bool:
        """A lexicon hit inside a name is no competence: a word written in capitals (« LEADER », a
        programme), the complement of a body's or a scheme's name (« comité d'animation », « postes
        d'écoute »), or a single noun in the plural where the lexicon's form is a mass noun (« les écoutes
        territoriales », a survey; « des formations », courses; « les animateurs », people), or a person's
        title in apposition to their name (« M. Martin, animatrice du réseau », « N. Amri, consultant »)."""
        span = doc[hit.start:hit.end]
        if any(t.is_upper and len(t) > 1 for t in span):
            return True
        if title_after_a_name(doc, hit.start, hit.end):
            return True
        if hit.start >= 2 and norm(doc[hit.start - 1].text) in {"de", "d'", "du", "des"} \
                and norm(doc[hit.start - 2].lemma_) in self.lexicon.name_heads:
            return True
        return (len(span) == 1 and span[0].pos_ == "NOUN" and "Plur" in span[0].morph.get("Number")
                and not norm(hit.term).endswith(("s", "x")))

    # -- discovery

    def _discovered_spans(self, doc: Doc, context: Sequence[Doc], in_context: bool) -> list[tuple[int, int]]:
        spans = []
        for match_id, start, end in self._matcher(doc):
            key = doc.vocab.strings[match_id]
            if key in _CONTEXT_ONLY_PATTERNS and not in_context:
                continue
            if key == "FRAME":
                start = _frame_complement_start(doc, start, end)
                if start is None:
                    continue
            spans.append((start, end))
        if in_context:
            spans += self._enumerated_items(doc, context)
        return [(s, e) for s, e in spans if self._acceptable(doc[s:e])]

    def _enumerated_items(self, doc: Doc, context: Sequence[Doc]) -> list[tuple[int, int]]:
        """Short noun or infinitive phrases after "pour", or listed after a colon, when the noun phrase right
        before them names competences ("des compétences de l'ordre de la méthode pour animer, pour …",
        "Compétences techniques : …"); a competence word further back in the clause is not enough ("des
        compétences, peut-être une voie pour développer ces formations" is no list of competences).
        When the line introducing this passage ends with a colon and mentions competences, the whole passage
        is one item of that list."""
        spans: list[tuple[int, int]] = []
        clause_start = 0
        chained = False  # a "pour" item was taken in this clause: ", pour …" continues its list
        for i, token in enumerate(doc):
            if token.text in {".", ";", "!", "?"} or "\n" in token.text:
                clause_start, chained = i + 1, False
                continue
            if token.text != ":" and norm(token.text) != "pour":
                continue
            continues = (chained and token.text != ":" and i > 0
                         and (doc[i - 1].text == "," or doc[i - 1].pos_ == "CCONJ"))
            if not continues and not self._markers.search(norm(_noun_phrase_before(doc, clause_start, i))):
                continue
            chained = token.text != ":"
            if token.text == ":":
                spans += _list_items(doc, i + 1)
            elif i + 1 < len(doc):
                j = i + 1 + (norm(doc[i + 1].text) in {"se", "s'"})
                if j < len(doc) and "Inf" in doc[j].morph.get("VerbForm"):
                    end = _phrase_end(doc, j)
                    if end is not None:
                        spans.append((i + 1, end))
        if context:
            intro = norm(context[-1].text).rstrip()
            if intro.endswith(":") and self._markers.search(intro):
                spans += _list_items(doc, 0)
        return spans

    def _acceptable(self, span: Span) -> bool:
        if not 0 < len(span) <= MAX_TERM_TOKENS:
            return False
        # like_num is useless here: it is true for the article "un"
        if any(t.pos_ == "NUM" or t.is_digit or t.is_punct and t.text not in "-'’" for t in span):
            return False
        content = [t for t in span if t.is_alpha and len(t) > 2 and not t.is_stop
                   and t.pos_ in {"NOUN", "VERB", "ADJ"} and norm(t.lemma_) not in _GENERIC_HEADS]
        if not content or all(norm(t.lemma_) in self.lexicon.not_terms for t in content):
            return False
        return _surface(span) not in self.lexicon.not_terms

    def _type_discovered(self, span: Span, lexical: list[_Hit], lexical_starts: list[int]) -> _Hit:
        term = _surface(span)
        # only the hits that start within the span (found by bisection: a long passage has many of both)
        within = lexical[bisect_left(lexical_starts, span.start):bisect_left(lexical_starts, span.end)]
        inside = [h for h in within if h.end <= span.end]
        if inside:
            return _Hit(span.start, span.end, term, inside[-1].type, "discovered")
        chosen, score = self._vector_type(span)
        return _Hit(span.start, span.end, term, chosen, "discovered", score)

    def _vector_type(self, tokens: Iterable[Token]) -> tuple[str, float | None]:
        """The type whose centroid is nearest to the tokens' content words when it is near enough and clearly
        ahead of the second (the calibrated `vector_typing`), else UNTYPED; and the best similarity."""
        vector = _content_vector(tokens, skip=_GENERIC_HEADS)
        if vector is None or not self._centroids:
            return UNTYPED, None
        best, score, margin = _nearest(vector, self._centroids)
        typing = self.lexicon.vector_typing
        return (best if score >= typing.threshold and margin >= typing.margin else UNTYPED), round(score, 4)

    def _keep_discovered(self, span: Span, hit: _Hit, lexical: list[_Hit], in_context: bool) -> bool:
        """The filters of docs/competences.md, section 2b. Patterns cannot tell whose ability a phrase names
        (there is no parser), and notes about models, tools and institutions use the same words as notes
        about people; so:
        - "capacité de + noun" needs a noun that is a person's activity or quality (`_human_ability`);
        - outside a passage about competences, a term must get a type ("capacité de généralisation",
          "maîtrise de la technique" would be `autre`), and an infinitive phrase must owe its type to the
          lexicon: vectors say nothing of who acts in "capacité de fournir", "capacité à s'organiser"."""
        if not self._human_ability(span, lexical):
            return False
        if in_context:
            return True
        if hit.type == UNTYPED:
            return False
        vector_typed = hit.score is not None
        return not (vector_typed and any("Inf" in t.morph.get("VerbForm") for t in span))

    def _human_ability(self, span: Span, lexical: list[_Hit]) -> bool:
        """False for "capacité/aptitude/habileté de + noun …" (from the patterns or a listed item) unless the
        noun is a person's activity or quality: a lexicon form covers it ("capacité d'écoute",
        "d'anticipation") or word vectors give the noun alone a type under the calibrated rule ("capacité de
        persuasion" → savoir-etre). Nouns of processing ("calcul", "stockage", "traitement", "recherche",
        "généralisation") are near no type, or equally near all three. True for every other span: an
        infinitive ("capacité à travailler", "d'écouter") names an action, which people do."""
        if len(span) < 3 or norm(span[0].lemma_) not in _ABILITY_HEADS:
            return True
        preposition, noun = span[1], span[2]
        if norm(preposition.text) not in _DE_ONLY or noun.pos_ != "NOUN":
            return True
        if any(h.start <= noun.i < h.end for h in lexical):
            return True
        return self._vector_type([noun])[0] != UNTYPED


def _noun_phrase_before(doc: Doc, clause_start: int, i: int) -> str:
    """Text of the noun phrase (nouns, adjectives, participles, determiners, prepositions) that ends right
    before token i: "des compétences de l'ordre de la méthode" before "pour"."""
    start = i
    while start > clause_start:
        token = doc[start - 1]
        in_compound = start - 2 >= clause_start and doc[start - 2].text == "-"  # "être" of "savoir-être"
        if not (token.pos_ in {"NOUN", "PROPN", "ADJ", "DET", "ADP"} or token.text in {"-", "'", "’"}
                or token.is_space  # French typography: "compétences\u00a0:"
                or in_compound or "Part" in token.morph.get("VerbForm")):
            break
        start -= 1
    return doc[start:i].text


def _frame_complement_start(doc: Doc, start: int, end: int) -> int | None:
    """In "compétences de l'ordre de la X" / "compétences en X", the term is X (without determiner)."""
    for i in range(start + 1, end):
        if doc[i].pos_ == "NOUN" and norm(doc[i].lemma_) != "ordre":
            return i
    return None


def _phrase_end(doc: Doc, i: int) -> int | None:
    """End of the noun or infinitive phrase starting at token i (a leading determiner is skipped by the
    caller), or None when no such phrase starts there."""
    n = len(doc)
    token = doc[i]
    if token.pos_ == "NOUN":
        j = i + 1
        while j < n and doc[j].pos_ == "ADJ":
            j += 1
        if j + 1 < n and norm(doc[j].text) in {"de", "d'", "du", "des", "à", "au", "aux"}:
            k = j + 1 + (doc[j + 1].pos_ == "DET")
            if k < n and doc[k].pos_ == "NOUN":
                j = k + 1
                while j < n and doc[j].pos_ == "ADJ":
                    j += 1
        return j
    if token.pos_ in {"VERB", "AUX"} and "Inf" in token.morph.get("VerbForm"):
        j = i + 1
        if j < n and doc[j].pos_ in {"DET", "ADP"} and j + 1 < n and doc[j + 1].pos_ == "NOUN":
            j += 2
            while j < n and doc[j].pos_ == "ADJ":
                j += 1
        elif j < n and doc[j].pos_ in {"ADJ", "NOUN"} or token.lemma_ == "être" and j < n and doc[j].is_alpha:
            j += 1
        return j
    return None


def _list_items(doc: Doc, start: int) -> list[tuple[int, int]]:
    """Items separated by commas or "et"/"ou" until the end of the sentence; parentheses are skipped."""
    items, item, depth = [], [], 0
    for token in doc[start:]:
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth = max(0, depth - 1)
        elif depth:
            continue
        elif token.text in {".", ";", "!", "?", ":"} or "\n" in token.text:
            break
        elif token.text == "," or token.pos_ == "CCONJ":
            items.append(item)
            item = []
        elif not token.is_space and token.text not in {"–", "-", "•", "*", "…"}:
            item.append(token.i)
    items.append(item)
    spans = []
    for indices in items:
        if not indices or len(indices) > MAX_LIST_ITEM_TOKENS:
            continue
        first = indices[1] if doc[indices[0]].pos_ == "DET" and len(indices) > 1 else indices[0]
        end = _phrase_end(doc, first)
        # the phrase must be the whole item: "les agents écoutent les habitants" is a clause, not a term
        if end is not None and end == indices[-1] + 1 and len(indices) == end - indices[0]:
            spans.append((first, end))
    return spans


def _singular_adjective(token: Token) -> str:
    text = norm(token.text)
    if "Plur" not in token.morph.get("Number"):
        return text
    if text.endswith("aux"):
        return text[:-3] + "al"
    return text[:-1] if text.endswith(("s", "x")) else text


def _surface(span: Span) -> str:
    """Lowercase surface with the head group (first noun and its adjectives) made singular through lemmas;
    complements keep their number so they agree with their determiner ("maîtrise des outils numériques")."""
    parts = []
    in_head_group = span[0].pos_ == "NOUN"
    for position, token in enumerate(span):
        if in_head_group and position > 0 and token.pos_ != "ADJ":
            in_head_group = False
        if in_head_group and token.pos_ == "NOUN":
            word = norm(token.lemma_)
        elif in_head_group:
            word = _singular_adjective(token)
        else:
            word = norm(token.text)
        parts.append(word + (" " if token.whitespace_ else ""))
    return " ".join("".join(parts).split())


def _longest_non_overlapping(hits: Iterable[_Hit]) -> list[_Hit]:
    """Longest first; at equal length the earlier one, then lexicon before discovered."""
    ranked = sorted(hits, key=lambda h: (-(h.end - h.start), h.start, h.origin != "lexicon"))
    taken: list[_Hit] = []
    used: set[int] = set()
    for hit in ranked:
        positions = set(range(hit.start, hit.end))
        if not positions & used:
            taken.append(hit)
            used |= positions
    return sorted(taken, key=lambda h: h.start)
