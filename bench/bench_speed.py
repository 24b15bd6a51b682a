"""Speed and memory of the whole `analyse` against bare spaCy, in one run on this machine.

    python -m bench.bench_speed CORPUS [--scale 4] [--skip-default] [--encoder]

Each measurement runs in its own subprocess. Peak memory is that subprocess and every worker process it
starts, together: their proportional set sizes (PSS, so pages the forked workers share with the parent are
counted once) are summed every 0.5 s and the largest sum kept; where /proc cannot tell (not Linux), the
subprocess' own ru_maxrss. Steps:
  (a) bare nlp.pipe over the corpus' passage texts with the default fr_core_news_md pipeline;
  (b) bare nlp.pipe over the same texts with exactly the components `analyse` uses;
  (c) the whole `analyse`, cold (empty cache, no previous outputs), with its default worker processes;
  (d) `analyse` again with nothing changed;
  (e) `analyse` after a codebook edit (parses come from the cache, everything else is redone);
then (c) with one process (n_process=1) and with two, and (c) on a corpus SCALE times larger (the corpus
repeated with its paragraphs shuffled), to compare throughput and peak memory.

`analyse` runs without the sentence encoder (`encoder = false`) unless `--encoder` is given: the targets
compare the pipeline's own work with bare spaCy's, and the encoder's 40 ms a passage (docs/performance.md)
is a model's cost of its own, which would make a crdh-sized run last a quarter of an hour per step."""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _passage_texts(corpus: Path) -> list[str]:
    from pipeline.clean import clean_text
    from pipeline.ingest import read_corpus
    from pipeline.text.segment import segment
    from pipeline.types import Document

    texts = []
    for item in read_corpus(corpus):
        if isinstance(item, Document):
            texts.extend(p.text for p in segment(clean_text(item.text, doc_id=item.doc_id)))
    return texts


def _child_bare(corpus: str, components: str, n_process: int) -> None:
    from pipeline.nlp import USED_COMPONENTS, load_nlp

    texts = _passage_texts(Path(corpus))
    # the clock covers loading the model and parsing, as a bare spaCy script would spend them
    with _PeakMemory() as memory:
        start = time.perf_counter()
        nlp = load_nlp(components=None if components == "default" else USED_COMPONENTS)
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=32, n_process=n_process))
        elapsed = time.perf_counter() - start
    _report(elapsed, tokens, memory)


def _child_analyse(corpus: str, output: str, cache: str, codebook: str, n_process: int,
                   encoder: bool) -> None:
    from pipeline.run import analyse
    from pipeline.settings import load_settings

    settings = load_settings(corpus=corpus, output=output, cache_dir=cache, codebook=codebook or None,
                             n_process=n_process or None, progress=False, encoder=encoder)
    with _PeakMemory() as memory:
        start = time.perf_counter()
        result = analyse(settings)
        elapsed = time.perf_counter() - start
    manifest = json.loads((Path(output) / "manifest.json").read_text(encoding="utf-8"))
    _report(elapsed, manifest["counts"]["passages"], memory, up_to_date=result.up_to_date,
            workers=settings.n_process, timings=dict(result.timings))


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants, from /proc/<pid>/task/<tid>/children."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except (OSError, ValueError):
                continue
    return found


class _PeakMemory:
    """Samples the summed PSS of this process and its workers in a background thread."""

    def __init__(self) -> None:
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.available = Path(f"/proc/{os.getpid()}/smaps_rollup").exists()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, sum(_pss_kib(pid) for pid in _tree(os.getpid())))
            self._stop.wait(0.5)  # a sample costs ~6 ms per process: keep the sampler under ~4% of a core

    def __enter__(self) -> _PeakMemory:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        if self.available:
            self._stop.set()
            self._thread.join()

    def mib(self) -> float:
        if self.available:
            return self.peak_kib / 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _report(seconds: float, count: int, memory: _PeakMemory, **extra: object) -> None:
    """`count`: tokens parsed (bare runs) or passages analysed (analyse runs)."""
    print(json.dumps({"seconds": seconds, "count": count, "peak_mib": memory.mib(), **extra}))


def _run(*args: str) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_speed", "--child", *args],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    if completed.returncode != 0:
        sys.exit(f"benchmark step {args} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def scaled_corpus(corpus: Path, factor: int, target: Path, seed: int = 0) -> Path:
    """`factor` copies of every readable file, each copy with its paragraphs shuffled (seeded)."""
    from pipeline.ingest import read_corpus
    from pipeline.types import Document

    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    for item in read_corpus(corpus):
        if not isinstance(item, Document):
            continue
        paragraphs = item.text.split("\n\n")
        for copy in range(factor):
            shuffled = paragraphs[:]
            if copy:
                rng.shuffle(shuffled)
            name = f"{copy}-{item.doc_id.replace('/', '_')}"
            (target / name).with_suffix(".md").write_text("\n\n".join(shuffled), encoding="utf-8")
    return target


def _edited_codebook(folder: Path) -> Path:
    import yaml

    from pipeline.settings import PACKAGE_DATA

    data = yaml.safe_load((PACKAGE_DATA / "codebook.yaml").read_text(encoding="utf-8"))
    path = folder / "codebook-edited.yaml"
    # an edit a user would make: one more cue word in a category
    for category in data["categories"]:
        if category.get("lemmas"):
            category["lemmas"].append("coopératif")
            break
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, *rest = sys.argv[2:]
        if kind == "bare":
            _child_bare(rest[0], rest[1], int(rest[2]))
        else:
            _child_analyse(rest[0], rest[1], rest[2], rest[3], int(rest[4]), rest[5] == "encoder")
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--scale", type=int, default=4)
    parser.add_argument("--skip-default", action="store_true", help="skip (a), the slowest step")
    parser.add_argument("--encoder", action="store_true",
                        help="analyse with the sentence encoder (the default setting; slow on a large "
                             "corpus)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"{args.corpus}: not a folder")
    corpus = str(args.corpus.resolve())
    work = Path(tempfile.mkdtemp(prefix="bench-speed-"))
    try:
        rows: dict[str, dict] = {}
        steps = [("b", "bare, analyse's components", ("bare", corpus, "used", "1"))]
        if not args.skip_default:
            steps.insert(0, ("a", "bare, default pipeline", ("bare", corpus, "default", "1")))
        for key, _label, call in steps:
            rows[key] = _run(*call)
        from pipeline.settings import default_workers

        workers = default_workers()
        out, cache = str(work / "out"), str(work / "cache")
        vectors = "encoder" if args.encoder else "spacy"
        rows["c"] = _run("analyse", corpus, out, cache, "", "0", vectors)  # "0": the default worker count
        rows["d"] = _run("analyse", corpus, out, cache, "", "0", vectors)
        rows["e"] = _run("analyse", corpus, out, cache, str(_edited_codebook(work)), "0", vectors)
        rows["c1"] = _run("analyse", corpus, str(work / "out1"), str(work / "cache1"), "", "1", vectors)
        if workers != 2:
            rows["c2"] = _run("analyse", corpus, str(work / "out2"), str(work / "cache2"), "", "2", vectors)
        big = scaled_corpus(args.corpus, args.scale, work / "scaled")
        rows["cx"] = _run("analyse", str(big), str(work / "out3"), str(work / "cache3"), "", "0", vectors)
        labels = {
            "a": "(a) bare nlp.pipe, default pipeline",
            "b": "(b) bare nlp.pipe, analyse's components",
            "c": f"(c) analyse, cold ({workers} workers, default)",
            "d": "(d) analyse, warm, nothing changed",
            "e": "(e) analyse after a codebook edit",
            "c1": "(c) analyse, cold, n_process=1",
            "c2": "(c) analyse, cold, n_process=2",
            "cx": f"(c) analyse, cold, corpus x{args.scale}",
        }
        # every step of the x1 corpus handles the same passage texts, so one token count serves them all
        tokens = rows["b"]["count"]
        passages = rows["c"]["count"]
        print(f"corpus: {args.corpus}  ({passages} passages, {tokens} tokens); "
              f"default workers on this machine: {workers}; analyse "
              + ("with the sentence encoder" if args.encoder
                 else "without the sentence encoder (encoder = false)"))
        print(f"{'step':44} {'seconds':>9} {'tokens/s':>10} {'peak MiB':>9}")
        for key, label in labels.items():
            if key in rows:
                r = rows[key]
                step_tokens = tokens * (r["count"] / passages if key == "cx" else 1)
                rate = step_tokens / r["seconds"] if r["seconds"] else 0
                print(f"{label:44} {r['seconds']:9.2f} {rate:10.0f} {r['peak_mib']:9.0f}")
        c, c1 = rows["c"]["seconds"], rows["c1"]["seconds"]
        c2 = rows["c2"]["seconds"] if "c2" in rows else c
        print()
        if "a" in rows:
            print(f"c/a = {c / rows['a']['seconds']:.3f}   (target <= 0.5; one process: "
                  f"{c1 / rows['a']['seconds']:.3f})")
        print(f"c/b = {c / rows['b']['seconds']:.3f}   (target <= 1.25; one process: "
              f"{c1 / rows['b']['seconds']:.3f})")
        print(f"d/c = {rows['d']['seconds'] / c:.3f}   (target <= 0.05)")
        print(f"e/c = {rows['e']['seconds'] / c:.3f}   (target <= 0.15)")
        print(f"n_process=2 speed-up on the cold run = {c1 / c2:.2f}x   (target >= 1.6)")
        growth = rows["cx"]["peak_mib"] / rows["c"]["peak_mib"] - 1
        print(f"peak memory x{args.scale} corpus vs x1 = {growth:+.1%}   (target within 15%)")
        print()
        for key in ("c", "e"):  # wall-clock stages from the run's own timers (documents: both workers)
            timings = rows[key].get("timings") or {}
            stages = [("load", "load"), ("documents (wall)", "documents"), ("tables", "tables"),
                      ("figures+report", "figures+report")]
            print(f"({key}) stages: " + ", ".join(f"{label} {timings[name]:.2f} s"
                                                 for name, label in stages if name in timings))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
