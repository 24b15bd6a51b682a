"""Fit the competence licence model on the real pages' annotations (`docs/competences.md` section 7).

    .venv/bin/python -m bench.fit_licence [--texts DIR] [--folds 5] [--threshold precision|f1|even] [--write]

Every match of a lexicon form on the content lines of both real sets (each line read alone, as an annotated
passage) is a candidate, marked when it overlaps a term a reader marked there. A logistic regression reads
the features of `pipeline/analysis/licence.py` and the word vectors around the match; a term's share of
marked occurrences is counted on the training pages, leaving the candidate itself out. Only the forms the
rules reject for want of context or anchor are read again (never one inside a name). A form is kept when
its probability reaches the cut chosen out of fold over the training pages' sites: the best term F1 among
the cuts whose terms are right at least half the time (`--threshold precision`, shipped), the best term F1
(`--threshold f1`), or even odds (`--threshold even`). Without
`--write` it prints the figures by site folds: each fold's pages scored by a model fitted without them, the
lexicon's rules alone on the same lines beside it. With `--write`, the model fitted on every page goes to
`pipeline/data/competence_licence.json`, which the shipped lexicon names."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.realpages.dataset import HELDOUT_FILE, PAGES_FILE, RealPage, load_pages, site_folds
from bench.realpages.scoring import gold_term_spans, overlaps
from pipeline.analysis.licence import FEATURES, TYPE_FEATURE, LicenceModel
from pipeline.diskcache import write_atomic
from pipeline.settings import PACKAGE_DATA

LICENCE_FILE = PACKAGE_DATA / "competence_licence.json"
PRIOR_RATE, PRIOR_WEIGHT, C = 0.3, 2.0, 1.0


@dataclass(frozen=True)
class Candidate:
    site: str
    term: str
    features: dict[str, float]
    context: np.ndarray
    marked: bool  # overlaps a reader's term
    kept_by_rules: bool  # what the lexicon's rules alone decide (their licence, and not inside a name)
    second_reading: bool  # rejected by the rules for want of context or anchor, not inside a name


@dataclass(frozen=True)
class LineTerms:
    """What one content line holds: its site, its gold terms, and the candidates that overlap each."""
    site: str
    gold: int
    candidates: tuple[Candidate, ...]
    discovered_right: int  # terms the discovery patterns find there that overlap a gold term
    discovered: int
    gold_found_by_discovery: frozenset[int]
    gold_of_candidate: tuple[frozenset[int], ...]


def read_lines(pages: Sequence[RealPage], extractor, nlp) -> list[LineTerms]:
    """Candidates and gold terms of every content line of `pages`, each line read alone."""
    out = []
    for page in pages:
        lines = [line for line in page.lines if not line.chrome]
        for line, doc in zip(lines, nlp.pipe([line.text for line in lines], batch_size=64), strict=True):
            gold = [(s - line.start, e - line.start) for s, e, _, _ in gold_term_spans(line)]
            candidates, golds = [], []
            for c in extractor.lexicon_candidates(doc):
                span = (doc[c.hit.start].idx, doc[c.hit.end - 1].idx + len(doc[c.hit.end - 1]))
                hits = frozenset(i for i, g in enumerate(gold) if overlaps(*span, *g))
                candidates.append(Candidate(page.site, c.term, c.features, c.context, bool(hits),
                                            c.kept_by_rules, c.second_reading))
                golds.append(hits)
            found = [(c.start, c.end) for c in extractor.extract(doc) if c.origin == "discovered"]
            by_discovery = frozenset(i for i, g in enumerate(gold) if any(overlaps(*f, *g) for f in found))
            right = sum(any(overlaps(*f, *g) for g in gold) for f in found)
            out.append(LineTerms(page.site, len(gold), tuple(candidates), right, len(found), by_discovery,
                                 tuple(golds)))
    return out


def _vector(features: dict[str, float], names: Sequence[str]) -> list[float]:
    return [features.get(name, 0.0) for name in names]


def _with_terms(c: Candidate, counts: dict[str, tuple[int, int]], leave_out: bool) -> dict[str, float]:
    marked, seen = counts.get(c.term, (0, 0))
    if leave_out:
        marked, seen = marked - c.marked, seen - 1
    rate = (marked + PRIOR_RATE * PRIOR_WEIGHT) / (seen + PRIOR_WEIGHT)
    return {**c.features, "term_rate": rate, "term_seen": float(np.log1p(seen))}


def _fit_weights(candidates: Sequence[Candidate], names: Sequence[str]) -> tuple[dict, float, dict]:
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in candidates:
        counts[c.term][0] += c.marked
        counts[c.term][1] += 1
    frozen = {t: (a, n) for t, (a, n) in counts.items()}
    x = np.array([[*_vector(_with_terms(c, frozen, True), names), *c.context] for c in candidates])
    y = np.array([c.marked for c in candidates])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(C=C, max_iter=5000).fit(x, y)
    coef = [float(w) for w in model.coef_[0]]
    return (dict(zip(names, coef[:len(names)], strict=True)), float(model.intercept_[0]), frozen,
            tuple(coef[len(names):]))


def _model(candidates: Sequence[Candidate], names: Sequence[str], threshold: float) -> LicenceModel:
    weights, intercept, counts, context = _fit_weights(candidates, names)
    return LicenceModel(weights, intercept, threshold, counts, PRIOR_RATE, PRIOR_WEIGHT, context)


def term_scores(lines: Sequence[LineTerms], keep) -> tuple[int, int, int, int]:
    """(gold terms, gold found, terms extracted, extracted right) when `keep(candidate)` says which lexicon
    candidates count, the discovered terms as the extractor finds them."""
    gold = found = extracted = right = 0
    for line in lines:
        kept = [i for i, c in enumerate(line.candidates) if keep(c)]
        covered = set(line.gold_found_by_discovery)
        for i in kept:
            covered |= line.gold_of_candidate[i]
        gold += line.gold
        found += len(covered)
        extracted += len(kept) + line.discovered
        right += sum(1 for i in kept if line.gold_of_candidate[i]) + line.discovered_right
    return gold, found, extracted, right


def _f1(gold: int, found: int, extracted: int, right: int) -> float:
    recall, precision = found / max(gold, 1), right / max(extracted, 1)
    return 2 * recall * precision / max(recall + precision, 1e-9)


def choose_threshold(lines: Sequence[LineTerms], names: Sequence[str], folds: int = 4,
                     floor: float | None = None) -> float:
    """The threshold with the best term F1 out of fold over the lines' sites, the rules' terms kept; with
    `floor`, the best among those whose terms (the rules' and the model's) are right at least that share of
    the time, or even odds when none is."""
    fold_of = site_folds([line.site for line in lines], folds)
    probability: dict[int, float] = {}
    for fold in range(folds):
        train = [c for line in lines if fold_of[line.site] != fold for c in line.candidates
                 if c.second_reading]
        test = [c for line in lines if fold_of[line.site] == fold for c in line.candidates]
        if not train or not test or len({c.marked for c in train}) < 2:
            continue
        model = _model(train, names, 0.5)
        for c in test:
            rate, seen = model.term_features(c.term)
            if model.knows(c.term):
                probability[id(c)] = model.probability({**c.features, "term_rate": rate, "term_seen": seen},
                                                       c.context)
    grid = [round(t, 2) for t in np.arange(0.10, 0.71, 0.01)]
    return best_cut({t: term_scores(lines, lambda c, t=t: c.kept_by_rules or c.second_reading
                                    and probability.get(id(c), 0.0) >= t) for t in grid}, floor)


def best_cut(scores: Mapping[float, tuple[int, int, int, int]], floor: float | None = None) -> float:
    """The cut of `scores` (cut -> term_scores at that cut) with the best term F1, the lowest cut on a tie;
    with `floor`, among the cuts whose terms are right at least that share of the time (even odds if none)."""
    cuts = [t for t, (_, _, extracted, right) in scores.items()
            if floor is None or right / max(extracted, 1) >= floor]
    if not cuts:
        return EVEN_ODDS
    return max(cuts, key=lambda t: (_f1(*scores[t]), -t))


EVEN_ODDS = 0.5
# The shipped cut: the best term F1 out of fold whose terms are still right more often than not. Competence
# terms are missed far more than they are wrong on unseen sites (docs/competences.md, section 8).
TERM_PRECISION_FLOOR = 0.5


def fit(lines: Sequence[LineTerms], types: Sequence[str], threshold: str = "precision") -> LicenceModel:
    """The model that gives the candidates the rules reject a second reading. `threshold`: "precision" (the
    default), the cut of the best term F1 out of fold among those whose terms are right at least
    TERM_PRECISION_FLOOR of the time; "f1", the best term F1 out of fold; "even", a candidate the model finds
    more likely marked than not."""
    names = [*FEATURES, *(TYPE_FEATURE.format(t) for t in types)]
    if threshold == "even":
        cut = EVEN_ODDS
    else:
        cut = choose_threshold(lines, names, floor=TERM_PRECISION_FLOOR if threshold == "precision" else None)
    return _model([c for line in lines for c in line.candidates if c.second_reading], names, cut)


def keeps(model: LicenceModel):
    def keep(c: Candidate) -> bool:
        if c.kept_by_rules or not c.second_reading or not model.knows(c.term):
            return c.kept_by_rules
        rate, seen = model.term_features(c.term)
        features = {**c.features, "term_rate": rate, "term_seen": seen}
        return model.probability(features, c.context) >= model.threshold
    return keep


def main(argv: list[str] | None = None) -> int:
    from pipeline.analysis.competences import CompetenceExtractor
    from pipeline.analysis.lexicon import load_lexicon
    from pipeline.nlp import load_nlp
    from pipeline.settings import load_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, action="append", default=[])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--threshold", choices=("even", "f1", "precision"), default="precision",
                        help="precision (the default): the cut of the best term F1 out of fold whose terms "
                             "are right at least half the time; f1: the best term F1 out of fold (more terms "
                             "found, more of them wrong); even: keep a rejected form when the model finds it "
                             "more likely marked than not (fewer terms)")
    args = parser.parse_args(argv)
    settings = load_settings(progress=False)
    nlp = load_nlp(settings.spacy_model)
    lexicon = load_lexicon(settings.lexicon, with_licence=False)
    rules_only = CompetenceExtractor(lexicon, nlp)
    pages = {name: load_pages(path, args.texts)[0] for name, path in (("development", PAGES_FILE),
                                                                      ("held out", HELDOUT_FILE))}
    if not any(pages.values()):
        print("no page text at hand (docs/data.md): nothing to fit")
        return 2
    lines = {name: read_lines(found, rules_only, nlp) for name, found in pages.items()}
    every = [line for found in lines.values() for line in found]
    print(f"{sum(len(p) for p in pages.values())} pages, {len(every)} content lines, "
          f"{sum(line.gold for line in every)} gold terms, "
          f"{sum(len(line.candidates) for line in every)} lexicon candidates "
          f"({sum(c.marked for line in every for c in line.candidates)} marked)\n")
    fold_of = site_folds([line.site for line in every], args.folds)
    kept: dict[int, bool] = {}
    thresholds = []
    for fold in range(args.folds):
        model = fit([line for line in every if fold_of[line.site] != fold], lexicon.types, args.threshold)
        thresholds.append(model.threshold)
        keep = keeps(model)
        for line in every:
            if fold_of[line.site] == fold:
                kept.update({id(c): keep(c) for c in line.candidates})
    print(f"thresholds by fold: {' '.join(f'{t:.2f}' for t in thresholds)}\n")
    print("| lines | method | recall | precision | F1 |\n| --- | --- | ---: | ---: | ---: |")
    for name, found in [*lines.items(), ("both", every)]:
        for method, keep in (("lexicon rules", lambda c: c.kept_by_rules),
                             ("rules, and the licence model on what they reject (site folds)",
                              lambda c: kept[id(c)])):
            gold, hit, extracted, right = term_scores(found, keep)
            print(f"| {name} | {method} | {hit / max(gold, 1):.3f} | {right / max(extracted, 1):.3f} | "
                  f"{_f1(gold, hit, extracted, right):.3f} |")
    if args.write:
        model = fit(every, lexicon.types, args.threshold)
        text = json.dumps(model.to_dict(), ensure_ascii=False, indent=1) + "\n"
        write_atomic(LICENCE_FILE, text.encode("utf-8"))
        marked = Counter({t: a for t, (a, _) in model.term_counts.items()})
        print(f"\nwrote {LICENCE_FILE} (threshold {model.threshold:.2f}, {len(model.term_counts)} terms "
              f"seen, most marked: {', '.join(t for t, _ in marked.most_common(5))})")
    return 0


_LINES: dict[tuple, list[LineTerms]] = {}


def lexicon_without(sites: set[str], folder: Path, texts: Sequence[Path] = ()) -> Path | None:
    """A copy of the shipped lexicon in `folder` whose licence model is fitted on the real pages of both sets
    less those of `sites` (for benches that score those sites); returns the lexicon's path, or None when
    the pages at hand give nothing to fit on."""
    from pipeline.analysis.competences import CompetenceExtractor
    from pipeline.analysis.lexicon import load_lexicon
    from pipeline.nlp import load_nlp
    from pipeline.settings import load_settings

    settings = load_settings(progress=False)
    lexicon = load_lexicon(settings.lexicon, with_licence=False)
    key = (str(settings.lexicon), lexicon.sha256, tuple(map(str, texts)))
    if key not in _LINES:
        nlp = load_nlp(settings.spacy_model)
        pages = [page for path in (PAGES_FILE, HELDOUT_FILE) for page in load_pages(path, texts)[0]]
        _LINES[key] = read_lines(pages, CompetenceExtractor(lexicon, nlp), nlp)
    training = [line for line in _LINES[key] if line.site not in sites]
    if len({c.marked for line in training for c in line.candidates if c.second_reading}) < 2:
        return None
    model = fit(training, lexicon.types)
    (folder / LICENCE_FILE.name).write_text(json.dumps(model.to_dict(), ensure_ascii=False) + "\n",
                                            encoding="utf-8")
    shipped = settings.lexicon.read_text(encoding="utf-8")
    named = f"licence: {LICENCE_FILE.name}\n"
    if named not in shipped:
        raise SystemExit(f"{settings.lexicon} does not name {LICENCE_FILE.name}: nothing to refit")
    copy = folder / settings.lexicon.name
    copy.write_text(shipped.replace(named, f"licence: {folder / LICENCE_FILE.name}\n"), encoding="utf-8")
    return copy


if __name__ == "__main__":
    sys.exit(main())
