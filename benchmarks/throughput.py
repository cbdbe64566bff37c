"""Throughput of `vnextract batch`: articles/s with 1 and 2 processes and Dask local, per target.

Generates COUNT varied articles from corpus/articles (paragraphs recombined across articles,
counts and surnames varied, so that every article has its own id), then runs the batch into
JSONL, SQLite and PostgreSQL with each executor and prints a table. Each run is a fresh target.

    .venv/bin/python benchmarks/throughput.py --count 10000
    .venv/bin/python benchmarks/throughput.py --count 1000 --postgres ""   # skip PostgreSQL
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import sys
import tempfile
import uuid
from pathlib import Path

import regex

from extractor.batch import BatchSettings, run_batch

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "articles"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
# a count before a word ("5 cá nhân", "125 năm"), not part of a date or a document number
_COUNT = regex.compile(r"(?<![\d/.\-])\b\d{1,3}\b(?=\s+\p{L})")
_SURNAME = regex.compile(r"\b(" + "|".join(SURNAMES) + r")\b")


def generate_articles(count: int, seed: int = 1) -> list[str]:
    """`count` distinct articles: a corpus article with a paragraph of another, shuffled, re-counted and re-named."""
    sources = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    bodies = [[part for part in text.split("\n\n") if part.strip()] for text in sources]
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        head, *middle, tail = rng.choice([b for b in bodies if len(b) >= 3])
        middle = middle + [rng.choice(rng.choice([b for b in bodies if len(b) >= 2])[1:])]
        rng.shuffle(middle)
        renamed = dict(zip(SURNAMES, rng.sample(SURNAMES, len(SURNAMES))))
        text = "\n\n".join([head, *middle, tail])
        text = _COUNT.sub(lambda m: str(rng.randint(1, 150)) if rng.random() < 0.4 else m.group(), text)
        text = _SURNAME.sub(lambda m: renamed[m.group()], text)
        digest = hashlib.sha1(text.encode()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            out.append(text)
    return out


def write_input(texts: list[str], folder: Path) -> Path:
    path = folder / "articles.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i, text in enumerate(texts):
            f.write(json.dumps({"text": text, "url": f"https://example.invalid/{i}"}, ensure_ascii=False) + "\n")
    return path


class PostgresSchema:
    """A throw-away schema, so that each run writes into empty tables."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine, text

        self.name = f"bench_{uuid.uuid4().hex[:10]}"
        self._text = text
        self._engine = create_engine(url)
        with self._engine.begin() as c:
            c.execute(text(f"CREATE SCHEMA {self.name}"))
        self.url = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{self.name}"

    def drop(self) -> None:
        with self._engine.begin() as c:
            c.execute(self._text(f"DROP SCHEMA {self.name} CASCADE"))
        self._engine.dispose()


def run_once(source: Path, target: str, work: Path, *, jobs: int, dask: str | None) -> float:
    settings = BatchSettings(inputs=[source], out=target, jobs=jobs, dask=dask, ledger=work / "ledger.sqlite",
                             errors=work / "errors.jsonl", progress_seconds=3600)
    tally = run_batch(settings, stream=io.StringIO())
    if tally.failed:
        print(f"  ({tally.failed} failed, see {settings.errors_path})", file=sys.stderr)
    return tally.rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="PostgreSQL URL; empty to skip")
    parser.add_argument("--targets", default="jsonl,sqlite,postgresql")
    args = parser.parse_args()

    texts = generate_articles(args.count, args.seed)
    modes = [("1 process", 1, None), ("2 processes", 2, None), ("Dask local (2)", 2, "local")]
    targets = [t for t in args.targets.split(",") if t != "postgresql" or args.postgres]
    with tempfile.TemporaryDirectory(prefix="vnextract-bench-") as tmp:
        source = write_input(texts, Path(tmp))
        mean = sum(map(len, texts)) // len(texts)
        print(f"{len(texts)} generated articles (mean {mean} characters); articles/s, whole runs including start-up")
        print(f"{'target':<12}" + "".join(f"{label:>16}" for label, _, _ in modes) + f"{'2p / 1p':>10}")
        for kind in targets:
            rates = []
            for label, jobs, dask in modes:
                work = Path(tempfile.mkdtemp(dir=tmp))
                schema = PostgresSchema(args.postgres) if kind == "postgresql" else None
                target = {"jsonl": str(work / "out.jsonl"), "sqlite": f"sqlite:///{work / 'store.db'}",
                          "postgresql": schema.url if schema else ""}[kind]
                try:
                    rates.append(run_once(source, target, work, jobs=jobs, dask=dask))
                finally:
                    if schema:
                        schema.drop()
            print(f"{kind:<12}" + "".join(f"{r:>16.1f}" for r in rates) + f"{rates[1] / rates[0]:>10.2f}", flush=True)


if __name__ == "__main__":
    main()
