"""The competence lexicon (`pipeline/data/competences.yaml`, or a user's own): its types, terms and the
wordings each term is matched by, the words that say a passage is about competences or roles, and the
licence model it names. `load_lexicon` checks the file and says what is wrong with it (`LexiconError`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipeline.analysis.licence import LicenceModel, lexicon_digest, read_licence
from pipeline.errors import LexiconError

__all__ = ["UNTYPED", "Lexicon", "LexiconError", "LexiconTerm", "VectorTyping", "load_lexicon"]

UNTYPED = "autre"  # the type of a discovered term none of the lexicon's types fits

_TYPE_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
_TERM_KEYS = {"term", "variants", "context_variants", "anchored_variants", "anchors"}


@dataclass(frozen=True)
class LexiconTerm:
    term: str
    type: str
    variants: tuple[str, ...]  # matched everywhere (the canonical form is among them unless context-only)
    context_variants: tuple[str, ...] = ()  # matched only in passages about competences
    anchored_variants: tuple[str, ...] = ()  # matched only with a person, group or gathering as object
    # the term's own anchoring nouns, instead of the lexicon's people, groups and gatherings: one shares
    # experiences and practices, not a meeting (« mutualiser la prochaine rencontre »)
    anchors: frozenset[str] = frozenset()


@dataclass(frozen=True)
class VectorTyping:
    threshold: float  # minimum cosine similarity to the best type's centroid
    margin: float  # minimum lead of the best type over the second


@dataclass(frozen=True)
class Lexicon:
    path: Path
    types: tuple[str, ...]
    terms: tuple[LexiconTerm, ...]
    context_markers: tuple[str, ...]
    not_terms: frozenset[str]
    vector_typing: VectorTyping
    sha256: str = ""  # of the file's bytes
    # words of people's roles, missions and jobs: a passage with one of them lets the lexicon's context-only
    # forms match (what an agent does), but not the discovery patterns, which need the competence markers
    role_markers: tuple[str, ...] = ()
    # types whose terms are activities: their context-only forms also match where the activity's object or
    # agent is one of `activity_objects` (« animer un atelier », « mobiliser les habitants »)
    anchored_types: tuple[str, ...] = ()
    activity_objects: frozenset[str] = frozenset()
    # nouns that head the names of bodies, posts and schemes: « comité d'animation » is no competence
    name_heads: frozenset[str] = frozenset()
    # gatherings (meetings, workshops): objects of activities like `activity_objects`, and the only nouns a
    # participle may qualify (« la réunion animée par… »; « les acteurs mobilisés » is no activity of theirs)
    activity_gatherings: frozenset[str] = frozenset()
    # when set, the forms the rules reject for want of context or anchor are read again by this model
    # (`pipeline/analysis/licence.py`)
    licence: LicenceModel | None = None

    def terms_of(self, type_id: str) -> tuple[LexiconTerm, ...]:
        return tuple(t for t in self.terms if t.type == type_id)


def _string_list(value: Any, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"{where}: '{field}' must be a list of non-empty strings")
    return tuple(_clean_form(v) for v in value)


def _clean_form(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


def load_lexicon(path: Path, *, with_licence: bool = True) -> Lexicon:
    """Read and validate the YAML lexicon. Raises LexiconError naming the file and the faulty term.
    `with_licence=False`: the rules alone, whatever model the file names (to fit a new one)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        data = yaml.safe_load(raw.decode("utf-8"))  # YAML reads CR LF and CR line breaks as LF
    except FileNotFoundError:
        raise LexiconError(f"{path}: competence lexicon not found") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("types"), dict) or not data["types"]:
        raise LexiconError(f"{path}: expected a mapping with a non-empty 'types' mapping")

    terms: list[LexiconTerm] = []
    owner_of_form: dict[str, str] = {}
    for type_id, body in data["types"].items():
        if not isinstance(type_id, str) or not _TYPE_ID.match(type_id) or type_id == UNTYPED:
            raise LexiconError(f"{path}: type id {type_id!r} must be lowercase letters/digits/-/_ and not "
                               f"'{UNTYPED}'")
        entries = body.get("terms") if isinstance(body, dict) else None
        if not isinstance(entries, list) or not entries:
            raise LexiconError(f"{path}: type '{type_id}' needs a non-empty 'terms' list")
        for position, entry in enumerate(entries, 1):
            label = entry.get("term") if isinstance(entry, dict) else None
            where = f"{path}: type '{type_id}', term #{position}"
            if not isinstance(label, str) or not label.strip():
                raise LexiconError(f"{where}: each term needs a non-empty 'term' string")
            where = f"{path}: type '{type_id}', term '{label}'"
            unknown = set(entry) - _TERM_KEYS
            if unknown:
                raise LexiconError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                                   f"(allowed: {', '.join(sorted(_TERM_KEYS))})")
            canonical = _clean_form(label)
            variants = _string_list(entry.get("variants"), where, "variants")
            context_variants = _string_list(entry.get("context_variants"), where, "context_variants")
            anchored_variants = _string_list(entry.get("anchored_variants"), where, "anchored_variants")
            if canonical not in context_variants and canonical not in anchored_variants:
                variants = (canonical, *variants)
            for form in (*variants, *context_variants, *anchored_variants):
                key = form.lower()
                previous = owner_of_form.get(key)
                if previous is not None and previous != canonical:
                    raise LexiconError(f"{where}: form '{form}' already belongs to term '{previous}'")
                owner_of_form[key] = canonical
            anchors = frozenset(a.lower() for a in _string_list(entry.get("anchors"), where, "anchors"))
            terms.append(LexiconTerm(canonical, type_id, tuple(dict.fromkeys(variants)),
                                     tuple(dict.fromkeys(context_variants)),
                                     tuple(dict.fromkeys(anchored_variants)), anchors))

    markers = _string_list(data.get("context_markers"), str(path), "context_markers")
    not_terms = _string_list(data.get("not_terms"), str(path), "not_terms")
    typing = data.get("vector_typing") or {}
    try:
        vector_typing = VectorTyping(float(typing.get("threshold", 0.5)), float(typing.get("margin", 0.04)))
    except (TypeError, ValueError, AttributeError):
        raise LexiconError(f"{path}: 'vector_typing' needs numeric 'threshold' and 'margin'") from None
    roles = _string_list(data.get("role_markers"), str(path), "role_markers")
    anchored_types = _string_list(data.get("anchored_types"), str(path), "anchored_types")
    unknown_types = set(anchored_types) - set(data["types"])
    if unknown_types:
        raise LexiconError(f"{path}: 'anchored_types' names unknown type(s) "
                           f"{', '.join(sorted(unknown_types))}")
    objects = _string_list(data.get("activity_objects"), str(path), "activity_objects")
    gatherings = _string_list(data.get("activity_gatherings"), str(path), "activity_gatherings")
    name_heads = _string_list(data.get("name_heads"), str(path), "name_heads")
    licence, model_bytes = None, None
    if with_licence and data.get("licence") is not None:
        if not isinstance(data["licence"], str) or not data["licence"].strip():
            raise LexiconError(f"{path}: 'licence' must name a model file (relative to the lexicon)")
        licence, model_bytes = read_licence(path.parent / data["licence"])
    sha256 = lexicon_digest(raw, model_bytes)  # caches keyed on the lexicon follow its model too
    return Lexicon(path, tuple(data["types"]), tuple(terms), tuple(m.lower() for m in markers),
                   frozenset(n.lower() for n in not_terms), vector_typing, sha256,
                   tuple(m.lower() for m in roles), anchored_types,
                   frozenset(o.lower() for o in objects), frozenset(n.lower() for n in name_heads),
                   frozenset(g.lower() for g in gatherings), licence)
