"""REFI-QDA project exchange (`.qdpx`): the cleaned reports with their tags and competences as codings, for
the qualitative-analysis tools of the field (NVivo, ATLAS.ti, MAXQDA, QualCoder, Quirkos, Transana).

A `.qdpx` file is a ZIP of `project.qde` (XML, namespace `urn:QDA-XML:project:1.0`, valid against the
QDA-XML 1.0 schema bundled as `pipeline/data/refi-qda/Project-mrt2019.xsd`) and a flat `sources/` folder:

- each cleaned report is a `TextSource` whose text is `sources/<guid>.txt` (UTF-8), named by its doc_id;
- the codebook becomes codes: one per dimension (not codable) with its categories beneath (codable), and a
  « Compétences » branch with one code per competence type and one per canonical term found;
- each report's metadata (`pipeline.metadata`) are the text variables of a case holding its source;
- each tagged passage is a `PlainTextSelection` (start and end in characters of the cleaned text) with one
  `Coding` per category; its description says where each tag comes from (rule or model, score, evidence
  words); each competence occurrence is a selection of its words as written, coded with its canonical term.

GUIDs are derived from names (UUID 5), so the same corpus and settings give a byte-identical file, and a
tool that imports two exports sees the same codes as the same codes. `read_codings` reads the codings of a
`.qdpx` back (see `pipeline.annotations` for their use as training data)."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import AnnotationError

NAMESPACE = "urn:QDA-XML:project:1.0"
_GUIDS = uuid.UUID("6f1c1c62-5d0e-4c55-9a51-2b1f0f3d7a10")  # the namespace of this project's GUIDs
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # ZIP entry dates: the same input gives the same bytes
SELECTION_NAME_CHARS = 60
COMPETENCE_ROOT = "Compétences"


def guid(*parts: object) -> str:
    return str(uuid.uuid5(_GUIDS, "\x1f".join(str(p) for p in parts)))


@dataclass(frozen=True)
class QdaReport:
    """One cleaned report and its passage records (as in passages.jsonl: start/end index `text`)."""

    doc_id: str
    text: str
    passages: Sequence[Mapping]
    metadata: Mapping[str, str] = field(default_factory=dict)  # its variables (pipeline.metadata)


def _q(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


def _sub(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, _q(tag), {k: v for k, v in attributes.items() if v is not None})


def _describe(parent: ET.Element, text: str) -> None:
    if text:
        _sub(parent, "Description").text = text


def _selection_name(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SELECTION_NAME_CHARS else flat[: SELECTION_NAME_CHARS - 1] + "…"


def _tag_note(tag: Mapping, labels: Mapping[str, str]) -> str:
    source = {"rule": "règle", "model": "modèle", "rule+model": "règle + modèle"}.get(tag["source"],
                                                                                      tag["source"])
    evidence = ", ".join(tag.get("evidence") or ())
    return (f"{labels.get(tag['id'], tag['id'])} : {source}, score {tag['score']}"
            + (f", indices : {evidence}" if evidence else ""))


def build_project(reports: Iterable[QdaReport], *, categories: Mapping[str, tuple[str, str, str]],
                  dimensions: Mapping[str, str], competence_types: Mapping[str, str],
                  name: str) -> tuple[bytes, dict[str, str]]:
    """The `project.qde` bytes and the source files (`sources/<guid>.txt` -> text).

    `categories`: category id -> (dimension id, label, meaning); `dimensions`: dimension id -> label;
    `competence_types`: type id -> label."""
    ET.register_namespace("", NAMESPACE)
    project = ET.Element(_q("Project"), {"name": name, "origin": "pipeline d'analyse des comptes rendus"})
    codebook = _sub(_sub(project, "CodeBook"), "Codes")
    code_of: dict[str, str] = {}
    for dimension, label in dimensions.items():
        parent = _sub(codebook, "Code", guid=guid("dimension", dimension), name=label, isCodable="false")
        for category, (of_dimension, category_label, meaning) in categories.items():
            if of_dimension != dimension:
                continue
            code_of[category] = guid("category", category)
            code = _sub(parent, "Code", guid=code_of[category], name=category_label, isCodable="true")
            _describe(code, f"{category}" + (f" — {meaning}" if meaning else ""))
    reports = list(reports)
    terms_by_type: dict[str, set[str]] = {}
    for report in reports:
        for record in report.passages:
            for competence in record.get("competences", ()):
                terms_by_type.setdefault(competence["type"], set()).add(competence["term"])
    if terms_by_type:
        root = _sub(codebook, "Code", guid=guid("competences"), name=COMPETENCE_ROOT, isCodable="false")
        for type_id in [*competence_types, *sorted(set(terms_by_type) - set(competence_types))]:
            if type_id not in terms_by_type:
                continue
            branch = _sub(root, "Code", guid=guid("competence-type", type_id),
                          name=competence_types.get(type_id, type_id), isCodable="false")
            for term in sorted(terms_by_type[type_id]):
                _sub(branch, "Code", guid=guid("competence", type_id, term), name=term, isCodable="true")

    _cases(project, reports)
    files: dict[str, str] = {}
    sources = _sub(project, "Sources")
    labels = {c: label for c, (_, label, _) in categories.items()}
    for report in reports:
        source_guid = guid("source", report.doc_id)
        files[f"sources/{source_guid}.txt"] = report.text
        source = _sub(sources, "TextSource", guid=source_guid, name=report.doc_id,
                      plainTextPath=f"internal://{source_guid}.txt")
        for start, end, kind, codes, note in _selections(report, code_of, labels):
            selection = _sub(source, "PlainTextSelection",
                             guid=guid("selection", report.doc_id, kind, start, end),
                             name=_selection_name(report.text[start:end]), startPosition=str(start),
                             endPosition=str(end))
            _describe(selection, note)
            for code in codes:
                coding = _sub(selection, "Coding", guid=guid("coding", report.doc_id, kind, start, end, code))
                _sub(coding, "CodeRef", targetGUID=code)
    ET.indent(project, space=" ")
    return ET.tostring(project, encoding="utf-8", xml_declaration=True), files


def _cases(project: ET.Element, reports: Sequence[QdaReport]) -> None:
    """Each report's metadata as the variables of a case that holds its source (REFI-QDA keeps variables on
    cases): one text variable per name found, one case per report that has any."""
    names = sorted({name for report in reports for name in report.metadata})
    if not names:
        return
    variables = _sub(project, "Variables")
    for name in names:
        _sub(variables, "Variable", guid=guid("variable", name), name=name, typeOfVariable="Text")
    cases = _sub(project, "Cases")
    for report in reports:
        if not report.metadata:
            continue
        case = _sub(cases, "Case", guid=guid("case", report.doc_id), name=report.doc_id)
        for name, value in sorted(report.metadata.items()):
            holder = _sub(case, "VariableValue")
            _sub(holder, "VariableRef", targetGUID=guid("variable", name))
            _sub(holder, "TextValue").text = value
        _sub(case, "SourceRef", targetGUID=guid("source", report.doc_id))


def _selections(report: QdaReport, code_of: Mapping[str, str], labels: Mapping[str, str]):
    """(start, end, kind, code guids, note) of each selection of a report, in text order."""
    found = []
    for record in report.passages:
        start, end = int(record["start"]), int(record["end"])
        tags = [t for t in record.get("categories", ()) if t["id"] in code_of]
        if tags:
            found.append((start, end, "passage", [code_of[t["id"]] for t in tags],
                          "\n".join(_tag_note(t, labels) for t in tags)))
        for c in record.get("competences", ()):
            where = (start + int(c["start"]), start + int(c["end"]))
            found.append((*where, "competence", [guid("competence", c["type"], c["term"])],
                          f"compétence « {c['term']} » ({c['type']}), trouvée par {c['origin']}"))
    return sorted(found, key=lambda s: (s[0], s[1], s[2]))


def write_qdpx(path: Path, reports: Iterable[QdaReport], *, categories: Mapping[str, tuple[str, str, str]],
               dimensions: Mapping[str, str], competence_types: Mapping[str, str],
               name: str = "Comptes rendus de séminaires") -> None:
    """Write the project to `path` (a `.qdpx` ZIP), replacing it only once complete."""
    project, files = build_project(reports, categories=categories, dimensions=dimensions,
                                   competence_types=competence_types, name=name)
    partial = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, data in [("project.qde", project), *((k, v.encode("utf-8")) for k, v in files.items())]:
            info = zipfile.ZipInfo(member, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    partial.replace(path)


@dataclass(frozen=True)
class QdaCoding:
    """One coded plain-text selection read from a `.qdpx`: the source's name and text, the span, the code."""

    source: str
    text: str
    start: int
    end: int
    code: str  # the code's name
    code_path: tuple[str, ...]  # names from the top of the code tree down to the code
    code_id: str  # the category id this project wrote at the start of the code's description, or ""


def read_codings(path: Path) -> list[QdaCoding]:
    """The codings on plain-text selections of the text sources of a `.qdpx` file, in document order.

    Raises AnnotationError naming the file when it is not a REFI-QDA project (no `project.qde`, bad XML, a
    source whose text is missing)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            qde = next((n for n in names if n.lower() == "project.qde"), None)
            if qde is None:
                raise AnnotationError(f"{path}: not a REFI-QDA project (no project.qde inside)")
            root = ET.fromstring(archive.read(qde))
            codes, ids = _code_paths(root)
            codings = []
            for source in root.iter(_q("TextSource")):
                text = _source_text(source, archive, names, path)
                label = source.get("name") or source.get("guid", "")
                for selection in source.iter(_q("PlainTextSelection")):
                    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                    for ref in selection.iter(_q("CodeRef")):
                        target = ref.get("targetGUID", "")
                        if target in codes:
                            path_of = codes[target]
                            codings.append(QdaCoding(label, text, start, end, path_of[-1], path_of,
                                                     ids.get(target, "")))
            return codings
    except (zipfile.BadZipFile, ET.ParseError, ValueError, TypeError, KeyError) as exc:
        raise AnnotationError(f"{path}: not a readable REFI-QDA project ({exc})") from None


def _code_paths(root: ET.Element) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Each code's path of names, and the first word of its description (a category id, as written here)."""
    paths: dict[str, tuple[str, ...]] = {}
    ids: dict[str, str] = {}

    def walk(element: ET.Element, above: tuple[str, ...]) -> None:
        for code in element.findall(_q("Code")):
            here = (*above, code.get("name", ""))
            paths[code.get("guid", "")] = here
            description = code.find(_q("Description"))
            if description is not None and description.text and description.text.strip():
                ids[code.get("guid", "")] = description.text.split()[0]
            walk(code, here)

    for codes in root.iter(_q("Codes")):
        walk(codes, ())
    return paths, ids


def _source_text(source: ET.Element, archive: zipfile.ZipFile, names: set[str], path: Path) -> str:
    content = source.find(_q("PlainTextContent"))
    if content is not None:
        return content.text or ""
    internal = (source.get("plainTextPath") or "").removeprefix("internal://")
    member = next((n for n in names if n.lower() in (f"sources/{internal}".lower(), internal.lower())), None)
    if not internal or member is None:
        raise AnnotationError(f"{path}: the text of source {source.get('name')!r} is not in the file")
    return archive.read(member).decode("utf-8-sig")
