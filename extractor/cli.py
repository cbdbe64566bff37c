"""The `vnextract` command: argument parsing only; every subcommand calls the library."""
from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Structured records from Vietnamese news articles.")

from .input import ARTICLE_SUFFIXES


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
             details: Annotated[bool, typer.Option(help="List every miss and spurious value, grouped by field and rule id")] = False,
             baseline: Annotated[Optional[str], typer.Option(help="Also score a baseline: 'underthesea'")] = None,
             json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the figures here as JSON")] = None) -> None:
    """Per-field precision, recall and F1 against gold (the definitions of shared/tools/score.py)."""
    from .evaluate import FIELDS, format_table, run, score

    evaluation = run(gold, folder)
    for name in evaluation.missing:
        print(f"missing article for gold record {name}", file=sys.stderr)
    tallies = evaluation.tallies
    print(f"vnextract on {len(evaluation.predictions)} article(s):")
    print(format_table(tallies))
    figures = {"vnextract": {f: tallies[f].figures() for f in FIELDS}}
    if baseline:
        from .baseline import baseline_records

        index = {p.name: p for p in _article_paths([folder])}
        gold_records = evaluation.gold
        base = baseline_records(baseline, [index[os.path.basename(g["file"])] for g in gold_records if os.path.basename(g["file"]) in index])
        base_tallies = score(gold_records, base)
        fields = ["people", "organizations", "locations"]
        print(f"\nbaseline {baseline} on the same articles:")
        print(format_table(base_tallies, fields))
        figures[baseline] = {f: base_tallies[f].figures() for f in fields}
    if details:
        from .evaluate import format_groups

        print("\nmisses and spurious values by field and by the rule that fired (largest group first):")
        print(format_groups(tallies))
    if json_out:
        json_out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")


@app.command()
def bench(paths: Annotated[Optional[list[Path]], typer.Argument(help="Articles or folders (default: seeds and corpus)")] = None,
          seconds: Annotated[float, typer.Option(help="Minimum seconds to time extract()")] = 3.0,
          baseline_seconds: Annotated[float, typer.Option(help="Longest time given to underthesea's ner")] = 20.0,
          baseline: Annotated[bool, typer.Option("--baseline/--no-baseline")] = True,
          adversarial: Annotated[bool, typer.Option("--adversarial", help="Time the adversarial shapes instead "
                                                    "(CPU ms per KB at 10 KB, 100 KB and 1 MB)")] = False,
          shape: Annotated[Optional[list[str]], typer.Option(help="With --adversarial: only these shapes")] = None) -> None:
    """Articles per second of extract() on one core, beside underthesea's ner on the same texts."""
    if adversarial:
        from .adversarial import SHAPES, SIZES, format_row, measure_shape

        chosen = [s for s in SHAPES if not shape or s.name in shape]
        if not chosen:
            raise typer.BadParameter(f"no such shape; shapes: {', '.join(s.name for s in SHAPES)}")
        print(f"CPU milliseconds per KB of input (process time, one core); target: 1 MB within 1.5x of 10 KB, under 5")
        print(format_row("shape", [f"{n // 1000} KB" if n < 1_000_000 else "1 MB" for n in SIZES], "1MB/10KB", "outcome"))
        for s in chosen:
            print(format_row(*measure_shape(s)), flush=True)
        return
    from .bench import run_benchmark

    files = _article_paths(paths or _default_bench_paths())
    if not files:
        raise typer.BadParameter("no articles found")
    r = run_benchmark(files, seconds=seconds, baseline_seconds=baseline_seconds, baseline=baseline)
    print(f"articles: {r['articles']} (mean {r['mean_chars']} characters), one process, one core")
    print(f"{'tool':<22}{'articles/CPU s':>15}{'articles/s wall':>17}{'runs':>8}")
    print(f"{'vnextract extract()':<22}{r['extract_per_cpu_s']:>15.1f}{r['extract_per_s']:>17.1f}{r['extract_runs']:>8}"
          f"   (median of 5 rounds; best wall {r['extract_best_per_s']:.1f})")
    if baseline:
        print(f"{'underthesea ner()':<22}{r['underthesea_ner_per_cpu_s']:>15.2f}{r['underthesea_ner_per_s']:>17.2f}"
              f"{r['underthesea_runs']:>8}")
        print(f"ratio (CPU time): {r['ratio']}x")


@app.command()
def batch(inputs: Annotated[list[Path], typer.Argument(help="Articles, folders, .jsonl, .zip, .tar.gz and WARC files")],
          out: Annotated[str, typer.Option("--out", help="A database URL (the store), a .jsonl file or a Parquet folder")],
          jobs: Annotated[Optional[int], typer.Option(help="Processes (or Dask local workers); default: all cores")] = None,
          dask: Annotated[Optional[str], typer.Option("--dask", help="'local': run on a Dask LocalCluster")] = None,
          scheduler: Annotated[Optional[str], typer.Option(help="Run on this Dask scheduler, e.g. tcp://host:8786")] = None,
          ledger: Annotated[Optional[Path], typer.Option(help="Ledger of finished sources (default: beside the target)")] = None,
          errors: Annotated[Optional[Path], typer.Option(help="Errors file, JSONL (default: beside the target)")] = None,
          text: Annotated[bool, typer.Option("--text/--no-text", help="Include the article text in each record")] = True,
          flush_every: Annotated[int, typer.Option(help="Results per checkpoint at most")] = 200) -> None:
    """Extract every article into the store, JSONL or Parquet. Run the same command again to resume."""
    from .batch import BatchSettings, run_batch
    from .batch.dask_runner import LOCAL
    from .options import ExtractOptions

    if dask is not None and dask != LOCAL:
        raise typer.BadParameter(f"--dask takes '{LOCAL}'; use --scheduler for a cluster")
    if dask and scheduler:
        raise typer.BadParameter("give --dask local or --scheduler, not both")
    settings = BatchSettings(inputs=inputs, out=out, jobs=jobs or os.cpu_count() or 1, dask=scheduler or dask,
                             ledger=ledger, errors=errors, options=ExtractOptions(include_text=text),
                             flush_every=flush_every)
    tally = run_batch(settings)
    print(tally.summary())
    if tally.failed:
        print(f"failures are listed in {settings.errors_path}", file=sys.stderr)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


class ExportFormat(str, Enum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


#: The store's database URL option of the store commands (None: the store's default).
StoreUrl = Annotated[Optional[str], typer.Option(
    "--db", envvar="DATABASE_URL", show_default=False,
    help="Store database URL: sqlite:///FILE or postgresql://USER@HOST/DB "
         "[default: $DATABASE_URL, else sqlite:///vnextract.sqlite]")]


def _open_store(url: Optional[str]):
    """The store at `url` (None: the default one); a database that can't be opened ends the command."""
    from .store import DEFAULT_URL, StoreUnavailable, open_store

    try:
        return open_store(url or DEFAULT_URL)
    except (StoreUnavailable, ValueError) as e:
        raise typer.BadParameter(str(e), param_hint="--db")


@app.command()
def serve(host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
          processes: Annotated[Optional[int], typer.Option(
              help="Extraction worker processes (default: one per core; 0 extracts in the server process)")] = None,
          db: StoreUrl = None) -> None:
    """Run the HTTP service (OpenAPI docs at /docs); keys for writes come from VNEXTRACT_API_KEYS.

    One server process answers every request and hands extraction to worker processes, one
    queue for all of them (extractor/processes.py)."""
    import uvicorn

    # the app reads its settings from the environment
    if db:
        os.environ["DATABASE_URL"] = db
    if processes is not None:
        os.environ["VNEXTRACT_EXTRACT_PROCESSES"] = str(processes)
    uvicorn.run("service:app", host=host, port=port)


@app.command()
def ingest(paths: Annotated[list[Path], typer.Argument(help="Article files or folders (.txt, .html)")],
           db: StoreUrl = None) -> None:
    """Extract articles into the store; an article stored already is counted, not stored twice."""
    from tqdm import tqdm

    from .store.ingest import ingest_files

    files = _article_paths(paths)
    with _open_store(db) as store:
        tally = ingest_files(store, tqdm(files, unit="article", disable=not sys.stderr.isatty()),
                             lambda message: tqdm.write(f"error: {message}", file=sys.stderr))
    print(tally.summary())
    if tally.failed:
        raise typer.Exit(1)


@app.command()
def query(db: StoreUrl = None,
          q: Annotated[Optional[str], typer.Option(help="Words of the title or text (all must occur)")] = None,
          person: Annotated[Optional[str], typer.Option(help="Part of a person's name")] = None,
          organization: Annotated[Optional[str], typer.Option(help="Part of an organisation's name")] = None,
          document: Annotated[Optional[str], typer.Option(help="A cited document's number, e.g. 9/NQ-CDVC")] = None,
          location: Annotated[Optional[str], typer.Option(help="A place's name, e.g. 'Hải Dương'")] = None,
          award_kind: Annotated[Optional[str], typer.Option(help="bang_khen, giay_khen, co_thi_dua, ...")] = None,
          published_from: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD")] = None,
          published_to: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD")] = None,
          mentioned_from: Annotated[Optional[str], typer.Option(help="Mentions a date from (YYYY-MM-DD)")] = None,
          mentioned_to: Annotated[Optional[str], typer.Option(help="Mentions a date until (YYYY-MM-DD)")] = None,
          cursor: Annotated[Optional[str], typer.Option(help="Continue after a previous page")] = None,
          limit: Annotated[int, typer.Option(min=1, max=100, help="Articles per page")] = 20,
          fmt: Annotated[OutputFormat, typer.Option("--format", help="table, or JSON as the HTTP API answers")]
          = OutputFormat.table) -> None:
    """Stored articles matching every filter given (names match case- and diacritic-insensitively)."""
    from pydantic import ValidationError

    from .store import ArticleQuery, InvalidCursor

    try:
        filters = ArticleQuery(q=q, person=person, organization=organization, document=document, location=location,
                               award_kind=award_kind, published_from=published_from, published_to=published_to,
                               mentioned_from=mentioned_from, mentioned_to=mentioned_to)
    except ValidationError as e:
        raise typer.BadParameter("; ".join(f"{'.'.join(map(str, err['loc'])) or 'filters'}: {err['msg']}"
                                           for err in e.errors()))
    with _open_store(db) as store:
        try:
            records, next_cursor = store.query(filters, cursor, limit)
        except InvalidCursor as e:
            raise typer.BadParameter(str(e), param_hint="--cursor")
    if fmt is OutputFormat.json:
        page = {"items": [r.model_dump(mode="json") for r in records], "next_cursor": next_cursor}
        print(json.dumps(page, ensure_ascii=False))
        return
    print(f"{'id':<26}{'published':<12}{'people':>7}{'orgs':>6}{'docs':>6}{'awards':>7}  title")
    for r in records:
        title = (r.title or "")[:70]
        print(f"{r.id:<26}{(r.published_at or '')[:10]:<12}{len(r.people):>7}{len(r.organizations):>6}"
              f"{len(r.documents):>6}{len(r.awards):>7}  {title}")
    print(f"{len(records)} article(s)" + (f"; next page: --cursor {next_cursor}" if next_cursor else ""))


@app.command()
def export(out: Annotated[Path, typer.Option("--out", help="Folder to write one file per table into")],
           fmt: Annotated[ExportFormat, typer.Option("--format", help="csv, jsonl or parquet")] = ExportFormat.parquet,
           db: StoreUrl = None) -> None:
    """Write every table of the store to OUT, one file per table, for pandas, polars or DuckDB."""
    from .store.export import export_tables

    with _open_store(db) as store:
        for path in export_tables(store, fmt.value, out):
            print(path)


@app.command("bench-service")
def bench_service(processes: Annotated[int, typer.Option(help="Extraction worker processes")] = 2,
                  requests: Annotated[int, typer.Option(help="Requests per endpoint and concurrency level")] = 200,
                  seconds: Annotated[float, typer.Option(help="Seconds per endpoint and concurrency level")] = 15.0
                  ) -> None:
    """p50 and p99 latency of the HTTP service at 1, 8 and 32 clients, on 127.0.0.1 only."""
    from .latency import format_levels, run_latency_benchmark

    folders = _default_bench_paths()
    if not folders:
        raise typer.BadParameter("no articles found (../shared/seeds or corpus/articles)")
    bodies, stored = _article_paths(folders[:1]), _article_paths(folders)
    levels = run_latency_benchmark(bodies, stored, processes=processes, requests_per_level=requests,
                                   seconds_per_level=seconds)
    print(f"request bodies: {len(bodies)} articles of {folders[0]}; store: {len(stored)} articles; "
          f"1 server process, {processes} extraction process(es), {os.cpu_count()} cores")
    print(format_levels(levels))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
