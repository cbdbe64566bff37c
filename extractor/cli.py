"""The `vnextract` command: argument parsing only; every subcommand calls the library."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Structured records from Vietnamese news articles.")

ARTICLE_SUFFIXES = (".txt", ".html", ".htm")


def _article_paths(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in ARTICLE_SUFFIXES))
        else:
            out.append(p)
    return out


def _default_bench_paths() -> list[Path]:
    here = Path(__file__).resolve().parent.parent
    candidates = [here.parent / "shared" / "seeds", here / "corpus" / "articles"]
    return [p for p in candidates if p.is_dir()]


@app.command()
def extract(paths: Annotated[list[Path], typer.Argument(help="Article files or folders (.txt, .html)")],
            text: Annotated[bool, typer.Option("--text/--no-text", help="Include the article text in each record")] = False) -> None:
    """Print one record per article as JSON lines, with source.path set."""
    from .api import extract as extract_one
    from .errors import ExtractionError
    from .options import ExtractOptions

    options = ExtractOptions(include_text=text)
    failed = 0
    for p in _article_paths(paths):
        try:
            record = extract_one(p, options=options)
        except (ExtractionError, OSError) as e:
            failed += 1
            print(f"error: {getattr(e, 'message', e)}", file=sys.stderr)
            continue
        sys.stdout.write(record.model_dump_json(exclude_none=False) + "\n")
    if failed:
        raise typer.Exit(1)


@app.command("eval")
def evaluate(gold: Annotated[Path, typer.Argument(help="Gold JSONL, one record a line (shape of shared/gold/seeds.jsonl)")],
             folder: Annotated[Path, typer.Argument(help="Folder holding the gold's article files")],
             details: Annotated[bool, typer.Option(help="List every miss and spurious value")] = False,
             baseline: Annotated[Optional[str], typer.Option(help="Also score a baseline: 'underthesea'")] = None,
             json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the figures here as JSON")] = None) -> None:
    """Per-field precision, recall and F1 against gold (the definitions of shared/tools/score.py)."""
    from .evaluate import FIELDS, format_table, read_jsonl, score
    from .api import extract as extract_one

    gold_records = read_jsonl(str(gold))
    index = {p.name: p for p in _article_paths([folder])}
    preds = []
    for g in gold_records:
        path = index.get(os.path.basename(g["file"]))
        if path is None:
            print(f"missing article for gold record {g['file']}", file=sys.stderr)
            continue
        preds.append(json.loads(extract_one(path).model_dump_json()))
    tallies = score(gold_records, preds)
    print(f"vnextract on {len(preds)} article(s):")
    print(format_table(tallies))
    figures = {"vnextract": {f: tallies[f].figures() for f in FIELDS}}
    if baseline:
        from .baseline import baseline_records

        base = baseline_records(baseline, [index[os.path.basename(g["file"])] for g in gold_records if os.path.basename(g["file"]) in index])
        base_tallies = score(gold_records, base)
        fields = ["people", "organizations", "locations"]
        print(f"\nbaseline {baseline} on the same articles:")
        print(format_table(base_tallies, fields))
        figures[baseline] = {f: base_tallies[f].figures() for f in fields}
    if details:
        for field, tally in tallies.items():
            for line in tally.misses:
                print(f"[{field}] {line}")
    if json_out:
        json_out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")


@app.command()
def bench(paths: Annotated[Optional[list[Path]], typer.Argument(help="Articles or folders (default: seeds and corpus)")] = None,
          seconds: Annotated[float, typer.Option(help="Minimum seconds to time extract()")] = 3.0,
          baseline_seconds: Annotated[float, typer.Option(help="Longest time given to underthesea's ner")] = 20.0,
          baseline: Annotated[bool, typer.Option("--baseline/--no-baseline")] = True) -> None:
    """Articles per second of extract() on one core, beside underthesea's ner on the same texts."""
    from .bench import run_benchmark

    files = _article_paths(paths or _default_bench_paths())
    if not files:
        raise typer.BadParameter("no articles found")
    r = run_benchmark(files, seconds=seconds, baseline_seconds=baseline_seconds, baseline=baseline)
    print(f"articles: {r['articles']} (mean {r['mean_chars']} characters), one process, one core")
    print(f"{'tool':<22}{'articles/s':>12}{'runs':>8}")
    print(f"{'vnextract extract()':<22}{r['extract_per_s']:>12.1f}{r['extract_runs']:>8}   (median of rounds; best {r['extract_best_per_s']:.1f})")
    if baseline:
        print(f"{'underthesea ner()':<22}{r['underthesea_ner_per_s']:>12.2f}{r['underthesea_runs']:>8}")
        print(f"ratio: {r['ratio']}x")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
