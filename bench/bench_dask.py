"""The local engine against Dask, on the same corpus, in one run on this machine.

    python -m bench.bench_dask CORPUS [--workers 1,2] [--encoder]

Each measurement is a cold `analyse` (empty caches, no previous outputs) in its own subprocess: the local
engine with 2 worker processes, then `--engine dask` on a local cluster of 1 and of 2 workers (started and
stopped by the run, each worker loading the spaCy model once). Prints the wall time of each, its ratio to the
local engine, and the overhead per document, and checks that passages.jsonl and tables/ are byte-identical
to the local engine's. Without `--encoder` the runs leave the sentence encoder off (`--no-encoder`): what is
compared is the engines' overhead, not the encoder's own 40 ms a passage."""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _run(corpus: Path, work: Path, name: str, options: list[str], encoder: bool) -> tuple[float, str]:
    output, cache = work / name, work / f"cache-{name}"
    shutil.rmtree(cache, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", "analyse", "--corpus", str(corpus), "--output",
                    str(output), "--cache-dir", str(cache), "--quiet",
                    "--encoder" if encoder else "--no-encoder", *options], check=True)
    seconds = time.perf_counter() - started
    digest = hashlib.sha256()
    for path in [output / "passages.jsonl", *sorted((output / "tables").glob("*.csv"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return seconds, digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--encoder", action="store_true", help="analyse with the sentence encoder")
    args = parser.parse_args(argv)
    documents = sum(1 for p in args.corpus.rglob("*") if p.is_file() and p.suffix.lower() in
                    {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ".odt"})
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        local, reference = _run(args.corpus, work, "local", ["--n-process", "2"], args.encoder)
        print(f"corpus: {args.corpus} ({documents} files)\n")
        print("| engine | workers | wall time (s) | ratio to local | overhead per document (ms) "
              "| same outputs |")
        print("| --- | ---: | ---: | ---: | ---: | --- |")
        print(f"| local (forked processes) | 2 | {local:.1f} | 1.00 | — | — |")
        for workers in (int(w) for w in args.workers.split(",")):
            seconds, digest = _run(args.corpus, work, f"dask-{workers}",
                                   ["--engine", "dask", "--n-process", str(workers)], args.encoder)
            overhead = 1000 * (seconds - local) / max(documents, 1)
            print(f"| dask (local cluster) | {workers} | {seconds:.1f} | {seconds / local:.2f} | "
                  f"{overhead:.0f} | {'yes' if digest == reference else 'NO'} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
