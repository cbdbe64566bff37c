"""The `vnextract` command: argument parsing only; every subcommand calls the library.

Exit status: 0 when every article succeeded, 1 when any failed (the summary says how many and
where they are listed), 2 when the command cannot run as given (a usage error, a store that
cannot be opened, an optional part not installed), 130 when interrupted (Ctrl-C).
"""
from __future__ import annotations

import json
import logging
import os
import signal
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from . import __version__
from .extras import MissingExtra, require
from .input import ARTICLE_SUFFIXES

log = logging.getLogger("vnextract")

#: Exit statuses (module docstring).
EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


class _ReadableHelp:
    """Help as click users know it: `--jobs N`, `INPUT...`, flags bare, instead of typer's
    `<int>`, `<list[Path]>` and `<bool>` after every name."""

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        for param in params:
            if isinstance(param, TyperArgument):
                name = param.metavar or param.name.upper()
                usage = (name if param.required else f"[{name}]") + ("..." if param.nargs != 1 else "")
                param.display_type_rich = lambda ctx: None
                param._usage_display_name = lambda usage=usage: usage
            elif getattr(param, "metavar", "") is None:
                param.metavar = "" if param.is_flag else param.name.upper().replace("_", "-")
        return params


class _Command(_ReadableHelp, TyperCommand):
    pass


class _Group(_ReadableHelp, TyperGroup):
    pass


class _Typer(typer.Typer):
    def command(self, *args: Any, cls: type[TyperCommand] = _Command, **kwargs: Any):
        return super().command(*args, cls=cls, **kwargs)


app = _Typer(cls=_Group, no_args_is_help=True, help="Structured records from Vietnamese news articles.")

#: What the global options asked for; set by `_options` before any command runs.
_VERBOSITY = {"quiet": False, "verbose": False}


def _show_version(value: bool) -> None:
    if value:
        print(f"vnextract {__version__}")
        raise typer.Exit()


@app.callback()
def _options(quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and the final summary")] = False,
             verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also log what each step does")] = False,
             version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                                   help="Print the version and exit")] = False) -> None:
    """Structured records from Vietnamese news articles."""
    if quiet and verbose:
        raise typer.BadParameter("give --quiet or --verbose, not both")
    # the package's logger only (a library's users keep their own logging), to this run's stderr
    for old in [h for h in log.handlers if getattr(h, "_vnextract_cli", False)]:
        log.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler._vnextract_cli = True
    log.addHandler(handler)
    log.setLevel(logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING)
    _VERBOSITY.update(quiet=quiet, verbose=verbose)


def _quiet() -> bool:
    """--quiet was given (no progress, no per-article lines)."""
    return _VERBOSITY["quiet"]


def _interrupted(resumable: bool) -> typer.Exit:
    """Ctrl-C: say where things stand, exit 130. A second Ctrl-C while the run winds down is
    ignored, so the wind-down is not cut short by a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    print("\ninterrupted" + ("; run the same command again to resume: what is stored stays stored, "
                               "and finished articles are not redone" if resumable else ""), file=sys.stderr)
    return typer.Exit(EXIT_INTERRUPTED)


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
def extract(paths: Annotated[list[Path], typer.Argument(metavar="PATH", help="Article files or folders (.txt, .html)")],
            text: Annotated[bool, typer.Option("--text/--no-text", help="Include the article text in each record")] = False) -> None:
    """Print one record per article as JSON lines, with source.path set."""
    from .api import extract as extract_one
    from .errors import ExtractionError
    from .options import ExtractOptions

    options = ExtractOptions(include_text=text)
    files = _article_paths(paths)
    failed = 0
    try:
        for p in files:
            try:
                record = extract_one(p, options=options)
            except (ExtractionError, OSError) as e:
                failed += 1
                print(f"error: {getattr(e, 'message', e)}", file=sys.stderr)
                continue
            log.info("extracted %s", p)
            sys.stdout.write(record.model_dump_json(exclude_none=False) + "\n")
    except KeyboardInterrupt:
        raise _interrupted(resumable=False)
    if failed:
        print(f"{failed} of {len(files)} article(s) failed (listed above)", file=sys.stderr)
        raise typer.Exit(EXIT_FAILED)


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


#: Exit code of a batch stopped because its store went out of reach (sysexits' EX_TEMPFAIL: try again).
STORE_LOST = 75


@app.command()
def batch(inputs: Annotated[list[Path], typer.Argument(metavar="INPUT", help="Articles, folders, .jsonl, .zip, .tar.gz and WARC files")],
          out: Annotated[str, typer.Option("--out", metavar="TARGET", help="A database URL (the store), a .jsonl file or a Parquet folder")],
          jobs: Annotated[Optional[int], typer.Option(metavar="N", help="Processes (or Dask local workers); default: all cores")] = None,
          dask: Annotated[Optional[str], typer.Option("--dask", metavar="local", help="'local': run on a Dask LocalCluster")] = None,
          scheduler: Annotated[Optional[str], typer.Option(metavar="ADDRESS", help="Run on this Dask scheduler, e.g. tcp://host:8786")] = None,
          ledger: Annotated[Optional[Path], typer.Option(metavar="FILE", help="Ledger of finished sources (default: beside the target)")] = None,
          errors: Annotated[Optional[Path], typer.Option(metavar="FILE", help="Errors file, JSONL (default: beside the target)")] = None,
          text: Annotated[bool, typer.Option("--text/--no-text", help="Include the article text in each record")] = True,
          flush_every: Annotated[int, typer.Option(metavar="N", help="Results per checkpoint at most")] = 200,
          store_retry_seconds: Annotated[float, typer.Option(
              metavar="SECONDS",
              help="How long to retry a store that went out of reach before stopping (exit code 75)")] = 60.0) -> None:
    """Extract every article into the store, JSONL or Parquet. Run the same command again to resume."""
    from .batch import BatchSettings
    from .batch.dask_runner import LOCAL
    from .options import ExtractOptions
    from .store import StoreUnavailable

    if dask is not None and dask != LOCAL:
        raise typer.BadParameter(f"--dask takes '{LOCAL}'; use --scheduler for a cluster")
    if dask and scheduler:
        raise typer.BadParameter("give --dask local or --scheduler, not both")
    settings = BatchSettings(inputs=inputs, out=out, jobs=jobs or os.cpu_count() or 1, dask=scheduler or dask,
                             ledger=ledger, errors=errors, options=ExtractOptions(include_text=text),
                             flush_every=flush_every, store_retry_seconds=store_retry_seconds)
    _run_batch(settings)


def _run_batch(settings) -> None:
    """Run a batch and end the command as the module docstring says: 1 if any article failed
    (the summary names the count and the errors file), 75 when the store went out of reach and
    did not come back, 130 on Ctrl-C (both: the same command resumes)."""
    from .batch import run_batch
    from .store import StoreUnavailable

    log.info("batch: %s -> %s; %d process(es); ledger %s; errors %s", " ".join(map(str, settings.inputs)),
             settings.out, settings.jobs, settings.ledger_path, settings.errors_path)
    try:
        with open(os.devnull, "w") if _quiet() else _stderr() as progress:
            tally = run_batch(settings, progress)
    except KeyboardInterrupt:
        raise _interrupted(resumable=True)
    except StoreUnavailable as e:
        # one plain line, no traceback: nothing is lost, and the same command carries on where this stopped
        print(f"vnextract batch: stopped: {e}. Run the same command again to resume.", file=sys.stderr)
        raise typer.Exit(STORE_LOST) from None
    print(tally.summary())
    if tally.failed:
        print(f"{tally.failed} article(s) failed; each is listed with its reason in {settings.errors_path}",
              file=sys.stderr)
        raise typer.Exit(EXIT_FAILED)


class _stderr:
    """sys.stderr as a context manager that leaves it open."""

    def __enter__(self):
        return sys.stderr

    def __exit__(self, *exc) -> None:
        return None


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


class ExportFormat(str, Enum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"
    graphml = "graphml"


#: The store's database URL option of the store commands (None: the store's default).
StoreUrl = Annotated[Optional[str], typer.Option(
    "--db", envvar="DATABASE_URL", show_default=False, metavar="URL",
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
def serve(host: Annotated[str, typer.Option(metavar="ADDRESS", help="Address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(metavar="PORT", help="Port to listen on")] = 8000,
          processes: Annotated[Optional[int], typer.Option(metavar="N",
              help="Extraction worker processes (default: one per core; 0 extracts in the server process)")] = None,
          db: StoreUrl = None) -> None:
    """Run the HTTP service (OpenAPI docs at /docs); keys for writes come from VNEXTRACT_API_KEYS.

    One server process answers every request and hands extraction to worker processes, one
    queue for all of them (extractor/http/processes.py)."""
    import uvicorn

    # the app reads its settings from the environment
    if db:
        os.environ["DATABASE_URL"] = db
    if processes is not None:
        os.environ["VNEXTRACT_EXTRACT_PROCESSES"] = str(processes)
    # the factory, not the top-level `service` module: an installed package is run from any folder
    level = "warning" if _VERBOSITY["quiet"] else "debug" if _VERBOSITY["verbose"] else "info"
    from .http import Settings
    from .http.observability import log_request_ids, uvicorn_log_config
    from .http.slow_clients import head_timeout_protocol

    log_request_ids()  # every log line names its request (`[-]` outside one)
    # a request's head on the clock as well as its body (extractor/http/slow_clients.py)
    uvicorn.run("extractor.http:create_app", factory=True, host=host, port=port, log_level=level,
                log_config=uvicorn_log_config(), http=head_timeout_protocol(Settings().head_timeout))


@app.command()
def ingest(paths: Annotated[list[Path], typer.Argument(metavar="PATH", help="Article files or folders (.txt, .html, "
                                                                         "and whatever batch reads)")],
           db: StoreUrl = None,
           jobs: Annotated[int, typer.Option(metavar="N", min=1, help="Processes")] = 1) -> None:
    """Extract articles into the store: `batch` with the store as its target, so the same command
    resumes and an article stored already is counted, not stored twice."""
    from .batch import BatchSettings
    from .store import DEFAULT_URL

    url = db or DEFAULT_URL
    _open_store(url).close()  # a store that cannot be opened is a usage error (2), not failed articles
    _run_batch(BatchSettings(inputs=paths, out=url, jobs=jobs))


@app.command()
def query(db: StoreUrl = None,
          q: Annotated[Optional[str], typer.Option("--search", metavar="WORDS", help="Words of the title or text (all must occur)")] = None,
          person: Annotated[Optional[str], typer.Option(help="Part of a person's name")] = None,
          organization: Annotated[Optional[str], typer.Option(help="Part of an organisation's name")] = None,
          document: Annotated[Optional[str], typer.Option(help="A cited document's number, e.g. 9/NQ-CDVC")] = None,
          location: Annotated[Optional[str], typer.Option(help="A place's name, e.g. 'Hải Dương'")] = None,
          award_kind: Annotated[Optional[str], typer.Option(help="bang_khen, giay_khen, co_thi_dua, ...")] = None,
          published_from: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD")] = None,
          published_to: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD")] = None,
          mentioned_from: Annotated[Optional[str], typer.Option(help="Mentions a date from (YYYY-MM-DD)")] = None,
          mentioned_to: Annotated[Optional[str], typer.Option(help="Mentions a date until (YYYY-MM-DD)")] = None,
          organization_key: Annotated[Optional[str], typer.Option(
              help="Show one organisation (key, name or alias): articles, awards given, documents, people")] = None,
          person_key: Annotated[Optional[str], typer.Option(
              help="Show one person (key or name): titles over time")] = None,
          cursor: Annotated[Optional[str], typer.Option(help="Continue after a previous page")] = None,
          limit: Annotated[int, typer.Option(min=1, max=100, help="Articles per page")] = 20,
          fmt: Annotated[OutputFormat, typer.Option("--format", help="table, or JSON as the HTTP API answers")]
          = OutputFormat.table) -> None:
    """Stored articles matching every filter given (names match case- and diacritic-insensitively)."""
    from pydantic import ValidationError

    from .store import ArticleQuery, InvalidCursor

    if organization_key or person_key:  # one entity, as GET /v1/organizations/{key} and /v1/people/{key}
        with _open_store(db) as store:
            view = store.organization(organization_key) if organization_key else store.person(person_key)
        if view is None:
            raise typer.BadParameter(f"nothing stored under {organization_key or person_key!r}",
                                     param_hint="--organization-key" if organization_key else "--person-key")
        print(view.model_dump_json(indent=None if fmt is OutputFormat.json else 2))
        return
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
           fmt: Annotated[ExportFormat, typer.Option("--format", help="csv, jsonl, parquet, or graphml (documents and their co-citations)")] = ExportFormat.parquet,
           db: StoreUrl = None) -> None:
    """Write every table of the store to OUT, one file per table, for pandas, polars or DuckDB."""
    from .store.export import export_tables

    with _open_store(db) as store:
        for path in export_tables(store, fmt.value, out):
            print(path)


@app.command()
def schema(out: Annotated[Optional[Path], typer.Option("--out", metavar="FILE",
                                                       help="Write it here instead of printing it")] = None) -> None:
    """The record's JSON Schema, generated from the library's model (docs/record.schema.json)."""
    from .record_schema import record_json_schema_text

    text = record_json_schema_text()
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@app.command("export-gold")
def export_gold(out: Annotated[Path, typer.Option("--out", help="Gold JSONL to write (the shape `vnextract eval` reads)")],
                texts: Annotated[Optional[Path], typer.Option(
                    help="Also write each reviewed article's text here as <id>.txt, the folder to give `vnextract eval`")]
                = None,
                db: StoreUrl = None) -> None:
    """Write the reviewed records of the store as gold JSONL, one line per reviewed article."""
    from .review.gold import write_gold

    with _open_store(db) as store:
        written = write_gold(store.reviewed_pairs(), out, texts)
    print(f"{written} reviewed article(s) written to {out}" + (f", texts in {texts}" if texts else ""))


@app.command()
def reextract(db: StoreUrl = None,
              article: Annotated[Optional[list[str]], typer.Option(help="Only these article ids (default: all)")] = None
              ) -> None:
    """Extract stored articles again with the current rules; reviewers' corrections are kept and
    the ones the new rules disagree with are listed."""
    from .errors import ExtractionError
    from .review.reextract import NothingToReextract, reextract as reextract_one

    with _open_store(db) as store:
        ids = article or [r.id for r in store.iter_records()]
        done = conflicted = 0
        for article_id in ids:
            stored = store.machine(article_id)
            if stored is None:
                print(f"error: no stored article has the id {article_id}", file=sys.stderr)
                continue
            try:
                conflicts = store.replace(reextract_one(stored)) or []
            except (NothingToReextract, ExtractionError) as e:
                print(f"error: {article_id}: {getattr(e, 'message', e)}", file=sys.stderr)
                continue
            done += 1
            conflicted += bool(conflicts)
            for c in conflicts:
                print(f"conflict: {article_id} revision {c.revision} ({c.family} {c.target}): {c.detail}")
    print(f"re-extracted {done} article(s); {conflicted} with conflicts")


class SqlFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command()
def sql(statement: Annotated[str, typer.Argument(help='A DuckDB query, e.g. "SELECT COUNT(*) FROM awards"')],
        db: StoreUrl = None,
        folder: Annotated[Optional[Path], typer.Option(
            "--dir", help="Query an export folder (vnextract export) instead of the store")] = None,
        fmt: Annotated[SqlFormat, typer.Option("--format", help="table, csv, or json (one object a line)")]
        = SqlFormat.table) -> None:
    """Run SQL with DuckDB over the store's tables (SQLite or PostgreSQL) or an export folder (docs/research.md)."""
    import duckdb

    from .store import duck

    try:
        if folder is not None:
            connection = duck.over_folder(folder)
        else:
            with _open_store(db) as store:
                connection = duck.over_store(store, statement)
        names, rows = duck.run(connection, statement)
    except (duckdb.Error, ValueError, OSError) as e:
        raise typer.BadParameter(str(e).splitlines()[0], param_hint="STATEMENT" if folder is None else "--dir")
    _print_rows(names, rows, fmt)


def _print_rows(names: list[str], rows: list[tuple], fmt: SqlFormat) -> None:
    import csv
    import datetime as dt

    def plain(value):
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, (list, dict)):
            return json.dumps(value, ensure_ascii=False, default=str)
        return value

    cells = [[plain(v) for v in row] for row in rows]
    if fmt is SqlFormat.json:
        for row in cells:
            print(json.dumps(dict(zip(names, row)), ensure_ascii=False, default=str))
    elif fmt is SqlFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(cells)
    else:
        shown = [["" if v is None else str(v) for v in row] for row in cells]
        widths = [max([len(n), *(len(r[i]) for r in shown)]) for i, n in enumerate(names)]
        print(" | ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip())
        print("-+-".join("-" * w for w in widths))
        for row in shown:
            print(" | ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())
        print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


@app.command("bench-service")
def bench_service(processes: Annotated[int, typer.Option(help="Extraction worker processes")] = 2,
                  requests: Annotated[int, typer.Option(help="Requests per endpoint and concurrency level")] = 200,
                  seconds: Annotated[float, typer.Option(help="Seconds per endpoint and concurrency level")] = 15.0
                  ) -> None:
    """p50 and p99 latency of the HTTP service at 1, 8 and 32 clients, on 127.0.0.1 only."""
    require("httpx", "bench", "bench-service")
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
    try:
        app()
    except MissingExtra as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


if __name__ == "__main__":
    main()
