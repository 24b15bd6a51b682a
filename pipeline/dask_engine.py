"""`--engine dask`: the per-document stage (read, clean, segment, parse, analyse) as Dask tasks, on a local
cluster or on an existing scheduler, results merged here in document order.

- **Each worker loads the model once**: every task takes the run's settings (a `WorkerJob`, the result of
  one task that each worker fetches once), and each worker builds its `DocumentProcessor` (spaCy model,
  codebook, lexicon, classifier) when the run starts and keeps it for every task of the same job.
- **Bounded**: at most WINDOW_PER_WORKER documents per worker are submitted ahead of the one the merge waits
  for, so the client's memory stays flat however large the corpus.
- **Failures**: a worker lost mid-run (killed, out of memory) has its tasks rescheduled by the scheduler on
  the others (and on the worker the nanny restarts), `retries` more times; a file that cannot be read comes
  back as a `Skipped`, as with the local engine; any other error in a task is raised here and the run stops
  with the previous outputs untouched, as with the local engine.
- **Caches**: workers read and write the prepared-text, parse and analysis caches themselves, through the
  same atomic writer, so the cache folder must be on a file system the workers share with the client (always
  true of a local cluster; on a real cluster, a network file system).

`dask` and `distributed` are an optional extra (`pip install -e '.[dask]'`, `make install-dask`)."""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pipeline.clean import RepeatedLines
from pipeline.settings import ConfigError, Settings

WINDOW_PER_WORKER = 4
TASK_RETRIES = 3
# A local cluster's workers share the machine's cores with the client and the scheduler: the periodic
# monitoring that Dask runs by default (a statistical profiler sampling every thread 100 times a second, the
# event-loop tick every 20 ms, the memory and system monitors) is CPU taken from parsing. A run needs none of
# it (no dashboard), so a local cluster runs with it off or slowed down; a running scheduler's workers are
# left as their owner configured them.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
    # The nanny's default environment also sets MALLOC_TRIM_THRESHOLD_ (glibc hands freed memory back to the
    # system at once): parsing allocates and frees constantly, and the local engine's processes run with
    # glibc's own adaptive threshold, so the workers get the same.
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1,
                                            "OPENBLAS_NUM_THREADS": 1},
}


@dataclass(frozen=True)
class WorkerJob:
    """What a worker needs to build the run's DocumentProcessor."""

    settings: Settings
    repeated: RepeatedLines
    metadata_table: Mapping[str, Mapping[str, str]]

    @cached_property  # read on every task and every submit: the job is pickled once, not each time
    def key(self) -> str:
        return hashlib.sha256(pickle.dumps(self)).hexdigest()


_PROCESSORS: dict[str, object] = {}  # in each worker process: the processor of the current job


def _processor(job: WorkerJob):  # noqa: ANN202 - runs in the worker
    key = job.key
    processor = _PROCESSORS.get(key)
    if processor is None:
        from pipeline.analysis import Analyser
        from pipeline.analysis.lexicon import load_lexicon
        from pipeline.codebook import load_codebook
        from pipeline.documents import DocumentProcessor
        from pipeline.nlp import load_nlp

        settings = job.settings
        codebook = load_codebook(settings.codebook)
        nlp = load_nlp(settings.spacy_model)
        analyser = Analyser.create(codebook, load_lexicon(settings.lexicon), nlp, settings)
        dimensions = {c.id: c.dimension for c in codebook.categories}
        processor = DocumentProcessor(settings, nlp, analyser, dimensions, job.repeated, job.metadata_table)
        _PROCESSORS.clear()  # one job at a time per worker: a new run frees the previous model
        _PROCESSORS[key] = processor
    return processor


def process_on_worker(job: WorkerJob, path: Path):  # noqa: ANN201 - a DocumentOutcome or a Skipped
    return _processor(job)(path)


@dataclass(frozen=True)
class WorkerDescription:
    """What the manifest says of the analysis set-up, read on a worker (the client loads no model)."""

    notes: tuple[str, ...]
    model_info: Mapping
    nlp_signature: object


def _same(job: WorkerJob) -> WorkerJob:
    return job


def warm_up(job: WorkerJob) -> None:  # runs in each worker
    _processor(job)


def describe_worker(job: WorkerJob) -> WorkerDescription:  # runs in the worker
    from pipeline.nlp import model_signature

    processor = _processor(job)
    return WorkerDescription(tuple(processor.analyser.notes), processor.analyser.model_info,
                             model_signature(processor.nlp))


class DaskSession:
    """A Dask client (and the local cluster it started, if any) for one run, with every worker's processor
    built at the start: `describe()` then `map(paths)`, inside `with`."""

    def __init__(self, job: WorkerJob, *, workers: int, scheduler: str = "") -> None:
        self.job, self.workers, self.scheduler = job, workers, scheduler
        self.client = self.cluster = None

    def __enter__(self) -> DaskSession:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ConfigError("--engine dask needs the optional extra: make install-dask "
                              "(or pip install -e '.[dask]')") from None
        logging.getLogger("distributed").setLevel(logging.WARNING)  # its INFO lines would drown the progress
        if self.scheduler:
            self.client = Client(self.scheduler)
        else:
            import dask.config

            with dask.config.set(LOCAL_CLUSTER_CONFIG):  # the nannies hand their config to the workers
                self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.WARNING)
            self.client = Client(self.cluster)
        # A task that returns the job, rather than scattered data: if the workers holding it die, the
        # scheduler recomputes it from the task, where scattered data would be lost for good.
        self.shared_job = self.client.submit(_same, self.job, pure=False, key=f"job-{self.job.key[:12]}")
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the client and the local cluster, if still running (at the end of `map`, or on leaving)."""
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def describe(self) -> WorkerDescription:
        """Every worker builds its processor now (in parallel); one of them describes it."""
        self.client.run(warm_up, self.job, on_error="ignore")  # a worker lost now builds it on its first task
        return self.client.submit(describe_worker, self.shared_job, pure=False, retries=TASK_RETRIES).result()

    def map(self, paths: Sequence[Path]) -> Iterator:
        """The outcome of each path, in the order of `paths` (the module's note says how bounded, and what
        happens on failures)."""
        from distributed import as_completed

        client, job = self.client, self.job
        slots = max(1, len(client.scheduler_info().get("workers", {})) or self.workers) * WINDOW_PER_WORKER
        index_of: dict = {}
        waiting: dict[int, object] = {}
        submitted = 0
        finished = as_completed()

        def submit() -> None:
            nonlocal submitted
            future = client.submit(process_on_worker, self.shared_job, paths[submitted], pure=False,
                                   retries=TASK_RETRIES, key=f"document-{job.key[:12]}-{submitted}")
            index_of[future.key] = submitted
            submitted += 1
            finished.add(future)

        while submitted < min(len(paths), slots):
            submit()
        expected = 0
        for future in finished:
            waiting[index_of.pop(future.key)] = future.result()
            future.release()
            while expected in waiting:
                if expected == len(paths) - 1:
                    self.close()  # the last outcome is here: free the workers before tables and figures
                yield waiting.pop(expected)
                expected += 1
            while submitted < len(paths) and submitted - expected < slots:
                submit()
