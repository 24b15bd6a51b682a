"""Fitting the chrome-line model of the cleaning rule `chrome` on the real set's line labels.

Two stages, stacked:
- a **word score**: a logistic regression on one indicator per word, for the words found on lines of at
  least MIN_SITES sites of the training pages (a word seen on one site only would learn that site);
- **boosted trees** (scikit-learn's histogram gradient boosting) on the generic line features of
  `pipeline.clean.line_features` plus that word score, which the trees see as it would be on a site the word
  model never saw: out-of-fold over the training pages' own sites.

Trees beat one logistic regression on the same features because chrome is a matter of combinations (a short
line is chrome in a run of short lines before the prose, content right above it); measured on site-grouped
folds, `docs/cleaning.md`. The threshold is chosen on site-grouped out-of-fold probabilities of the training
pages: the lowest that keeps at least `keep` of the content lines. The fitted model is written as plain data
(word weights and tree nodes, `pipeline.clean.chrome.ChromeModel`), never as a pickle."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

from bench.realpages.dataset import RealPage, site_folds
from pipeline.clean.chrome import ChromeModel, chrome_lines, removable_probabilities
from pipeline.clean.line_features import line_words, page_features
from pipeline.clean.lines import split_lines

MIN_SITES = 2
KEEP = 0.99
INNER_FOLDS = 4  # site folds inside the training pages, for the word score the trees learn from
CLEAN_LIMIT = 0.003  # share of a clean corpus's characters it may remove (docs/cleaning.md: 0.5 %, with room)
DEFAULT_CLEAN = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "crdh"
TREES = {"max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 15, "min_samples_leaf": 20,
         "l2_regularization": 1.0}


def _examples(pages: Sequence[RealPage]):
    rows, words, labels, sites = [], [], [], []
    for page in pages:
        texts = [line.text.strip() for line in page.lines]
        rows.extend(page_features(texts))
        words.extend(line_words(text) for text in texts)
        labels.extend(line.chrome for line in page.lines)
        sites.extend([page.site] * len(texts))
    names = sorted(rows[0])
    return names, np.array([[row[n] for n in names] for row in rows]), words, np.array(labels), sites


def _vocabulary(words, sites, rows) -> list[str]:
    seen: dict[str, set[str]] = {}
    for i in rows:
        for word in words[i]:
            seen.setdefault(word, set()).add(sites[i])
    return sorted(word for word, where in seen.items() if len(where) >= MIN_SITES)


def _word_design(words, rows, vocabulary) -> csr_matrix:
    position = {word: j for j, word in enumerate(vocabulary)}
    r, c = [], []
    for k, i in enumerate(rows):
        for word in words[i]:
            if word in position:
                r.append(k)
                c.append(position[word])
    return csr_matrix((np.ones(len(r)), (r, c)), shape=(len(rows), len(vocabulary)))


def _fit_words(words, labels, sites, rows, c_value: float):
    from sklearn.linear_model import LogisticRegression

    vocabulary = _vocabulary(words, sites, rows)
    model = LogisticRegression(C=c_value, max_iter=5000)
    model.fit(_word_design(words, rows, vocabulary), labels[rows])
    return model, vocabulary


def _word_scores(words, labels, sites, train, test, c_value: float) -> np.ndarray:
    model, vocabulary = _fit_words(words, labels, sites, train, c_value)
    return model.predict_proba(_word_design(words, test, vocabulary))[:, 1]


def _stacked_word_scores(words, labels, sites, rows, c_value: float) -> np.ndarray:
    """The word score of each of `rows` from a word model fitted on the other sites of `rows`."""
    rows = np.asarray(rows)
    inner_sites = [sites[i] for i in rows]
    fold_of = site_folds(inner_sites, INNER_FOLDS)
    fold = np.array([fold_of[s] for s in inner_sites])
    scores = np.zeros(len(rows))
    for k in range(INNER_FOLDS):
        train, test = rows[fold != k], np.where(fold == k)[0]
        if len(test) and len(train) and 0 < labels[train].sum() < len(train):
            scores[test] = _word_scores(words, labels, sites, train, rows[test], c_value)
    return scores


def _fit_rows(matrix, words, labels, sites, rows, c_value: float):
    from sklearn.ensemble import HistGradientBoostingClassifier

    word_model, vocabulary = _fit_words(words, labels, sites, rows, c_value)
    stacked = _stacked_word_scores(words, labels, sites, rows, c_value)
    trees = HistGradientBoostingClassifier(**TREES, random_state=0)
    trees.fit(np.c_[matrix[rows], stacked], labels[rows])
    return word_model, vocabulary, trees


def _predict(fitted, matrix, words, rows) -> np.ndarray:
    word_model, vocabulary, trees = fitted
    scores = word_model.predict_proba(_word_design(words, rows, vocabulary))[:, 1]
    return trees.predict_proba(np.c_[matrix[rows], scores])[:, 1]


def out_of_fold(pages: Sequence[RealPage], c_value: float,
                folds: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Site-grouped out-of-fold chrome probabilities of every line of `pages`, and the labels."""
    names, matrix, words, labels, sites = _examples(pages)
    fold_of = site_folds(sites, folds)
    fold = np.array([fold_of[s] for s in sites])
    probabilities = np.zeros(len(labels))
    for k in range(folds):
        train, test = np.where(fold != k)[0], np.where(fold == k)[0]
        if not len(test) or not len(train) or labels[train].all() or not labels[train].any():
            continue
        fitted = _fit_rows(matrix, words, labels, sites, train, c_value)
        probabilities[test] = _predict(fitted, matrix, words, test)
    return probabilities, labels


def keeping_threshold(probabilities: np.ndarray, labels: np.ndarray, keep: float = KEEP) -> float:
    """The lowest threshold at which at least `keep` of the content lines stay (probability below it)."""
    content = np.sort(probabilities[~labels])
    if not len(content):
        return 0.5
    allowed = int(np.floor((1 - keep) * len(content)))  # content lines that may be removed
    # remove only lines strictly above the (allowed+1)-th highest content probability
    cut = content[len(content) - allowed - 1]
    return float(np.nextafter(cut, 1.0))


def _tree_data(predictor) -> dict[str, list]:
    nodes = predictor.nodes
    return {
        "feature": [int(x) for x in nodes["feature_idx"]],
        "threshold": [float(x) for x in nodes["num_threshold"]],
        "left": [int(x) for x in nodes["left"]],
        "right": [int(x) for x in nodes["right"]],
        "missing_left": [int(x) for x in nodes["missing_go_to_left"]],
        "leaf": [int(x) for x in nodes["is_leaf"]],
        "value": [round(float(x), 8) for x in nodes["value"]],
    }


def plain_lines(text: str) -> list[str]:
    """The lines of a Markdown file as a person would have typed them in plain text: without the front
    matter, code blocks, rules and table borders, heading and quote marks. The rule never runs on Markdown
    (`Rule.scraped_only`); what the clean corpus stands for here is people's prose in a plain-text file."""
    lines = [line.stripped for line in split_lines(text) if not line.is_blank]
    if lines and lines[0] == "---":
        end = next((i for i in range(1, len(lines)) if lines[i] == "---"), 0)
        lines = lines[end + 1:]
    plain, in_code = [], False
    for line in lines:
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code or not re.search(r"\w", line):
            continue
        plain.append(re.sub(r"^(?:#{1,6}|>+)\s*", "", line))
    return [line for line in plain if line]


def clean_lines(folder: Path | None) -> list[list[str]]:
    if folder is None or not folder.is_dir():
        return []
    documents = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in (".md", ".txt") and path.is_file():
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            documents.append(plain_lines(text) if path.suffix.lower() == ".md"
                             else [line.stripped for line in split_lines(text) if not line.is_blank])
    return documents


def removed_share(model: ChromeModel, documents: list[list[str]]) -> float | None:
    total = removed = 0
    for lines in documents:
        if not lines:
            continue
        for line, chrome in zip(lines, chrome_lines(lines, model), strict=True):
            total += len(line)
            removed += len(line) if chrome else 0
    return removed / total if total else None


def clean_threshold(model: ChromeModel, documents: Sequence[Sequence[str]],
                    limit: float = CLEAN_LIMIT) -> float:
    """The lowest threshold at which `model` removes at most `limit` of the characters of `documents`."""
    scored = []
    for lines in documents:
        if lines:
            scored.extend((p, len(line)) for line, p in
                          zip(lines, removable_probabilities(lines, model), strict=True) if p is not None)
    total = sum(len(line) for lines in documents for line in lines)
    if not total:
        return 0.0
    removed = 0
    for p, length in sorted(scored, reverse=True):
        if (removed + length) / total > limit:
            return float(np.nextafter(p, 1.0))
        removed += length
    return 0.0


def fit(pages: Sequence[RealPage], c_value: float, folds: int = 5, keep: float = KEEP,
        clean: Sequence[Sequence[str]] = (), out_of_fold_probabilities: np.ndarray | None = None) -> dict:
    """The model data `ChromeModel.from_dict` reads, fitted on every line of `pages`. The threshold keeps
    `keep` of the content lines on their site-grouped out-of-fold probabilities, and is raised, where
    needed, until the model removes at most CLEAN_LIMIT of the characters of the `clean` documents."""
    names, matrix, words, labels, sites = _examples(pages)
    if out_of_fold_probabilities is None:  # a caller that has them already (bench.fit_chrome) passes them
        out_of_fold_probabilities, _ = out_of_fold(pages, c_value, folds)
    threshold = keeping_threshold(out_of_fold_probabilities, labels, keep)
    word_model, vocabulary, trees = _fit_rows(matrix, words, labels, sites, np.arange(len(labels)), c_value)
    if any(getattr(p.nodes, "dtype", None) is not None and p.nodes["is_categorical"].any()
           for (p,) in trees._predictors):
        raise ValueError("the chrome model's features are numeric: a categorical split cannot be written")
    model = {
        "features": names,
        "words": {w: round(float(x), 6)
                  for w, x in zip(vocabulary, word_model.coef_[0], strict=True) if abs(x) >= 1e-6},
        "word_intercept": round(float(word_model.intercept_[0]), 6),
        "trees": [_tree_data(p) for (p,) in trees._predictors],
        "baseline": float(np.ravel(trees._baseline_prediction)[0]),
        "threshold": threshold,
        "c": c_value,
        "keep": keep,
        "lines": int(len(labels)),
        "chrome_lines": int(labels.sum()),
        "content_threshold": threshold,
        "clean_threshold": 0.0,
    }
    if clean:
        model["clean_threshold"] = clean_threshold(ChromeModel.from_dict(model), clean)
        model["threshold"] = max(threshold, model["clean_threshold"])
    return model
