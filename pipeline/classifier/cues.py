"""The codebook's cues judged on the annotations: a cue whose rule tags readers mostly reject becomes weak.

A cue word of the codebook tags a passage alone when its weight reaches the tagger's threshold. On real pages
some cues mostly tag passages that readers leave without the category (« association » in the name of an
association of mayors, « habitants » said in passing, for `acteurs:public-prive`). `make train` counts, on the
passages the combination is fitted on (the scraped `real` ones when there are enough), how often each cue's
tag is confirmed by the readers; a cue with at least MIN_CUE_TAGS tags whose precision, shrunk towards its
category's, stays under the precision floor gets WEAK_WEIGHT: it then needs a second cue, or a heading of its
dimension, to tag. The weights travel with the model; without a model the codebook's own weights apply.
Measured on the real set's site folds in docs/realset.md."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING

from pipeline.analysis.tagging import RuleTagger
from pipeline.codebook import Codebook
from pipeline.types import Tag

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MIN_CUE_TAGS = 6  # a cue is judged only on at least this many of its tags
PRIOR_TAGS = 5.0  # its precision is shrunk towards its category's, as if it had this many tags at that rate
WEAK_WEIGHT = 0.5  # below the tagger's threshold (0.8): a weak cue never tags alone


def weak_cues(
    hits: Sequence[frozenset[tuple[str, str]]],
    labels: Sequence[frozenset[str] | Sequence[str]],
    rows: Sequence[int],
    floor: float,
) -> dict[str, dict[str, float]]:
    """category -> cue -> its new weight, for the cues whose tags on `rows` fall under `floor` precision.

    `hits[i]`: the (category, cue) pairs behind passage i's rule tags; `labels[i]`: its readers'
    categories."""
    tags: Counter[tuple[str, str]] = Counter()
    confirmed: Counter[tuple[str, str]] = Counter()
    category_tags: Counter[str] = Counter()
    category_confirmed: Counter[str] = Counter()
    for i in rows:
        gold = set(labels[i])
        for category, cue in hits[i]:
            tags[category, cue] += 1
            confirmed[category, cue] += category in gold
        for category in {category for category, _ in hits[i]}:
            category_tags[category] += 1
            category_confirmed[category] += category in gold
    weak: dict[str, dict[str, float]] = {}
    for (category, cue), count in sorted(tags.items()):
        if count < MIN_CUE_TAGS:
            continue
        prior = category_confirmed[category] / category_tags[category]
        precision = (confirmed[category, cue] + PRIOR_TAGS * prior) / (count + PRIOR_TAGS)
        if precision < floor:
            weak.setdefault(category, {})[cue] = WEAK_WEIGHT
    return weak


def with_cue_weights(codebook: Codebook, weights: Mapping[str, Mapping[str, float]]) -> Codebook:
    """The codebook with these cues' weights lowered (never raised); same file, same hash."""
    if not weights:
        return codebook
    categories = []
    for category in codebook.categories:
        asked = weights.get(category.id, {})
        lowered = {cue: min(weight, category.weight(cue))
                   for cue, weight in asked.items() if cue in category.cues}
        if lowered:
            category = replace(category, weights=MappingProxyType({**category.weights, **lowered}))
        categories.append(category)
    return replace(codebook, categories=tuple(categories))


def tags_with_judged_cues(
    codebook: Codebook,
    nlp: Language,
    docs: Sequence[Doc],
    labels: Sequence[frozenset[str] | Sequence[str]],
    rows: Sequence[int],
    floor: float,
) -> tuple[list[tuple[Tag, ...]], dict[str, dict[str, float]]]:
    """The rule tags of `docs` once the cues are judged on `rows` (see the module docstring), and the weights
    that judgement gave: what `make train` trains on."""
    tagger = RuleTagger(codebook, nlp)
    tags = [tagger.tag(doc) for doc in docs]
    hits = [tagger.cues_behind(doc, doc_tags) for doc, doc_tags in zip(docs, tags, strict=True)]
    weights = weak_cues(hits, labels, rows, floor)
    if weights:
        tagger = RuleTagger(with_cue_weights(codebook, weights), nlp)
        tags = [tagger.tag(doc) for doc in docs]
    return tags, weights
