"""Fitting the chrome-line model of the cleaning rule `chrome` on the real set's line labels.

The model is a logistic regression on the generic features of `pipeline.clean.line_features`, standardised,
plus one indicator per word for the words that occur on lines of at least MIN_SITES sites of the
training pages (a word seen on one site only would learn that site). Its threshold is chosen on
site-grouped out-of-fold probabilities of the training pages: the lowest that keeps at least `keep` of the
content lines."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack

from bench.realpages.dataset import RealPage, site_folds
from pipeline.clean.line_features import line_words, page_features

MIN_SITES = 2
KEEP = 0.99


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


def _design(matrix, words, rows, vocabulary, means, scales):
    position = {word: j for j, word in enumerate(vocabulary)}
    r, c = [], []
    for k, i in enumerate(rows):
        for word in words[i]:
            if word in position:
                r.append(k)
                c.append(position[word])
    indicators = csr_matrix((np.ones(len(r)), (r, c)), shape=(len(rows), len(vocabulary)))
    return hstack([csr_matrix((matrix[rows] - means) / scales), indicators]).tocsr()


def _fit_rows(matrix, words, labels, sites, rows, c_value: float):
    from sklearn.linear_model import LogisticRegression

    vocabulary = _vocabulary(words, sites, rows)
    means = matrix[rows].mean(axis=0)
    scales = matrix[rows].std(axis=0)
    scales[scales == 0] = 1.0
    model = LogisticRegression(C=c_value, max_iter=5000)
    model.fit(_design(matrix, words, rows, vocabulary, means, scales), labels[rows])
    return model, vocabulary, means, scales


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
        model, vocabulary, means, scales = _fit_rows(matrix, words, labels, sites, train, c_value)
        design = _design(matrix, words, test, vocabulary, means, scales)
        probabilities[test] = model.predict_proba(design)[:, 1]
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


def fit(pages: Sequence[RealPage], c_value: float, folds: int = 5, keep: float = KEEP) -> dict:
    """The model data `ChromeModel.from_dict` reads, fitted on every line of `pages`; the threshold comes
    from their site-grouped out-of-fold probabilities."""
    probabilities, labels = out_of_fold(pages, c_value, folds)
    threshold = keeping_threshold(probabilities, labels, keep)
    names, matrix, words, labels, sites = _examples(pages)
    everything = np.arange(len(labels))
    model, vocabulary, means, scales = _fit_rows(matrix, words, labels, sites, everything, c_value)
    coefficients = model.coef_[0]
    weights, word_weights = coefficients[: len(names)], coefficients[len(names):]
    return {
        "features": names,
        "means": [round(float(x), 6) for x in means],
        "scales": [round(float(x), 6) for x in scales],
        "weights": [round(float(x), 6) for x in weights],
        "words": {w: round(float(x), 6)
                  for w, x in zip(vocabulary, word_weights, strict=True) if abs(x) >= 1e-6},
        "intercept": round(float(model.intercept_[0]), 6),
        "threshold": threshold,
        "c": c_value,
        "keep": keep,
        "lines": int(len(labels)),
        "chrome_lines": int(labels.sum()),
    }
