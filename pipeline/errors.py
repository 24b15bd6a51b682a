"""The exceptions users meet, and the exit code each maps to.

They are defined here, in a module that imports nothing heavy, so that the command line can catch them
without loading spaCy or scikit-learn first; the modules that raise them import them from here."""

from __future__ import annotations

from pipeline.outputs import OutputError
from pipeline.settings import ConfigError


class CorpusError(Exception):
    """The corpus folder as a whole is unusable (missing, not a folder, nothing readable in it)."""


class UnreadableFile(Exception):
    """One corpus file cannot be used; `reason` says why in plain words. The run lists it and goes on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AnnotationError(Exception):
    """An annotation file cannot be used. The message names the file, the line and the problem."""


class ModelError(Exception):
    """A model cannot be trained, saved or loaded. The message says why and what to do."""


class CodebookError(Exception):
    """The codebook file is unusable. The message names the file, the category and the problem."""


class LexiconError(Exception):
    """The competence lexicon file is malformed. The message names the file and the faulty term."""


class WorkerDied(RuntimeError):
    """A worker process stopped without reporting (killed, out of memory, a crash in native code)."""


# exit code 2: the user's call, files or settings are wrong; nothing was run
USAGE_ERRORS: tuple[type[Exception], ...] = (
    ConfigError,
    CorpusError,
    CodebookError,
    LexiconError,
    AnnotationError,
)
# exit code 1: the run started and could not finish; the previous outputs are unchanged
EXPECTED_ERRORS: tuple[type[Exception], ...] = (OutputError, ModelError, WorkerDied)
