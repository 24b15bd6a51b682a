"""Agreement of two annotators on the same lines: chrome, each category, competence terms.

Categories are compared on the lines both annotators call content (the passages): Cohen's kappa of each
category as a yes/no decision, and the F1 of one annotator's labels against the other's (symmetric)."""

from __future__ import annotations

from collections.abc import Sequence


def cohen_kappa(a: Sequence[bool], b: Sequence[bool]) -> float | None:
    n = len(a)
    if n == 0:
        return None
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    if expected == 1:
        return None  # both annotators said the same thing of every line: kappa is undefined
    return (observed - expected) / (1 - expected)


def _f1(tp: int, fp: int, fn: int) -> float | None:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None


def _terms(line: dict) -> set[str]:
    return {c["term"].lower() for c in line.get("competences", [])}


def agreement(pairs: Sequence[tuple[dict, dict]], categories: Sequence[str]) -> dict:
    """`pairs`: (annotator A's line, annotator B's line) with `chrome`, `labels`, `competences`."""
    chrome_a = [a["chrome"] for a, _ in pairs]
    chrome_b = [b["chrome"] for _, b in pairs]
    passages = [(set(a["labels"]), set(b["labels"]), a, b) for a, b in pairs
                if not a["chrome"] and not b["chrome"]]
    per_category = {}
    tp_all = fp_all = fn_all = 0
    for category in categories:
        ya = [category in la for la, _, _, _ in passages]
        yb = [category in lb for _, lb, _, _ in passages]
        tp = sum(x and y for x, y in zip(ya, yb, strict=True))
        fp = sum(y and not x for x, y in zip(ya, yb, strict=True))
        fn = sum(x and not y for x, y in zip(ya, yb, strict=True))
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        kappa = cohen_kappa(ya, yb)
        per_category[category] = {"a": sum(ya), "b": sum(yb), "both": tp,
                                  "kappa": None if kappa is None else round(kappa, 4),
                                  "f1": None if _f1(tp, fp, fn) is None else round(_f1(tp, fp, fn), 4)}
    present = [c for c in categories if per_category[c]["a"] + per_category[c]["b"] > 0]
    kappas = [per_category[c]["kappa"] for c in present if per_category[c]["kappa"] is not None]
    f1s = [per_category[c]["f1"] or 0.0 for c in present]
    term_tp = sum(len(_terms(a) & _terms(b)) for _, _, a, b in passages)
    term_a = sum(len(_terms(a)) for _, _, a, _ in passages)
    term_b = sum(len(_terms(b)) for _, _, _, b in passages)
    exact = sum(la == lb for la, lb, _, _ in passages)
    chrome_kappa = cohen_kappa(chrome_a, chrome_b)
    return {
        "lines": len(pairs),
        "passages": len(passages),
        "chrome": {"a": sum(chrome_a), "b": sum(chrome_b),
                   "agree": sum(x == y for x, y in zip(chrome_a, chrome_b, strict=True)),
                   "kappa": None if chrome_kappa is None else round(chrome_kappa, 4)},
        "categories": per_category,
        "macro": {"kappa": round(sum(kappas) / len(kappas), 4) if kappas else None,
                  "f1": round(sum(f1s) / len(f1s), 4) if f1s else None,
                  "categories_averaged": len(present)},
        "micro_f1": None if _f1(tp_all, fp_all, fn_all) is None else round(_f1(tp_all, fp_all, fn_all), 4),
        "exact_label_sets": exact,
        "competences": {"a": term_a, "b": term_b, "both": term_tp,
                        "f1": None if _f1(term_tp, term_a - term_tp, term_b - term_tp) is None
                        else round(_f1(term_tp, term_a - term_tp, term_b - term_tp), 4)},
    }
