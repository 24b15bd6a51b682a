"""Which exceptions are expected (a clear message, no traceback) and which exit code they map to."""

from __future__ import annotations

from pipeline.annotations import AnnotationError
from pipeline.classifier import ModelError
from pipeline.codebook import CodebookError
from pipeline.competences import LexiconError
from pipeline.ingest import CorpusError
from pipeline.outputs import OutputError
from pipeline.settings import ConfigError

# exit code 2: the user's call, files or settings are wrong; nothing was run
USAGE_ERRORS: tuple[type[Exception], ...] = (
    ConfigError,
    CorpusError,
    CodebookError,
    LexiconError,
    AnnotationError,
)
# exit code 1: the run started and could not finish; the previous outputs are unchanged
EXPECTED_ERRORS: tuple[type[Exception], ...] = (OutputError, ModelError)
