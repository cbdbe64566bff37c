"""The five research queries of docs/research.md at scale: generate articles, load them into a
SQLite and a PostgreSQL store, and time each query on each.

    python benchmarks/research.py --count 100000            # both stores (fresh each run)
    python benchmarks/research.py --count 20000 --no-sqlite # PostgreSQL only

The articles are generated records (not extracted text, which `vnextract bench` measures):
each with its text and exact offsets, a province of the gazetteer (old and new units, so
the merger matters), people from a pool of 5,000 names with titles, two to four citations of
documents (national symbols cited with a Zipf-like skew, local UBND symbols per province, bare
numbers), and one or two counted awards given by organisations, positions, national bodies or
vague givers, dated in their sentence or not. The same seed gives the same articles.

Load time is reported as wall clock and as this process's CPU time; query times as the median
and best of `--rounds` runs after ANALYZE (VACUUM ANALYZE on PostgreSQL), in milliseconds of wall
clock (the database server's work is not this process's CPU time).
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.record import Record  # noqa: E402
from extractor.rulebook import load_rules  # noqa: E402
from extractor.store import open_store  # noqa: E402
from extractor.store.engine import make_engine  # noqa: E402
from extractor.store.writer import prepare_record  # noqa: E402

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLES = ["Văn", "Thị", "Quang", "Minh", "Thanh", "Hữu", "Đức", "Ngọc", "Xuân", "Thu"]
GIVENS = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hòa", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phúc",
          "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vinh", "Yến", "Khải", "Long", "Nga", "Phương"]
TITLES = ["Chủ tịch", "Phó Chủ tịch", "Ủy viên Ban Thường vụ", "Trưởng ban Tổ chức", "Giám đốc", "Bí thư"]
BODIES = ["Liên đoàn Lao động tỉnh {p}", "Công đoàn Viên chức tỉnh {p}", "Ủy ban nhân dân tỉnh {p}",
          "Công đoàn ngành Giáo dục tỉnh {p}"]
NATIONAL_GIVERS = ["Tổng Liên đoàn Lao động Việt Nam", "Công đoàn Viên chức Việt Nam", "Bộ Y tế"]
VAGUE_GIVERS = ["Công ty", "Công đoàn cơ sở"]
AWARDS = [("Bằng khen", "bang_khen"), ("Giấy khen", "giay_khen"), ("Cờ thi đua", "co_thi_dua"),
          ("Kỷ niệm chương", "ky_niem_chuong")]


class Builder:
    """An article's text built piece by piece, keeping every piece's offsets."""

    def __init__(self):
        self.parts: list[str] = []
        self.length = 0

    def add(self, piece: str) -> dict:
        span = {"text": piece, "start": self.length, "end": self.length + len(piece)}
        self.parts.append(piece)
        self.length += len(piece)
        return span

    def text(self) -> str:
        return "".join(self.parts)


def national_documents() -> list[dict]:
    out = [{"number": "09/NQ-CĐVC", "type": "Nghị quyết", "type_code": "NQ", "serial": "09", "issuer_code": "CĐVC",
            "issued_on": "2017-08-03", "issuer": "Ban Chấp hành Công đoàn Viên chức Việt Nam"}]
    for n in range(1, 120):
        out.append({"number": f"{n:02d}-NQ/TW", "type": "Nghị quyết", "type_code": "NQ", "serial": f"{n:02d}",
                    "issuer_code": "TW", "issued_on": f"{2000 + n % 25}-0{1 + n % 9}-1{n % 9}"})
        out.append({"number": f"{n}/{2010 + n % 15}/NĐ-CP", "type": "Nghị định", "type_code": "NĐ", "serial": str(n),
                    "year": 2010 + n % 15, "issuer_code": "CP"})
        out.append({"number": f"{n:02d}/CT-TLĐ", "type": "Chỉ thị", "type_code": "CT", "serial": f"{n:02d}",
                    "issuer_code": "TLĐ"})
    return out


def generate(count: int, seed: int = 15) -> Iterator[Record]:
    rng = random.Random(seed)
    units = load_rules().gazetteer.units
    provinces = [(u.name, u.kind, u.current) for u in units]
    people = [f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}" for _ in range(5000)]
    people[0] = "Trần Quang Vinh"
    documents = national_documents()
    weights = [1 / (i + 1) for i in range(len(documents))]
    start = dt.date(2010, 1, 1)
    for i in range(count):
        name, kind, current = rng.choice(provinces)
        day = start + dt.timedelta(days=rng.randrange(16 * 365))
        published = (day.isoformat() if rng.random() < 0.3
                     else f"{day.isoformat()}T{rng.randrange(6, 22):02d}:{rng.randrange(60):02d}:00+07:00")
        b = Builder()
        body = rng.choice(BODIES).format(p=name)
        orgs = {body: [b.add(body)]}
        b.add(" tổ chức hội nghị tại ")
        place_mentions = [b.add(name)]
        b.add(". ")
        persons = []
        for _ in range(rng.randrange(1, 4)):
            person, title = rng.choice(people), rng.choice(TITLES)
            b.add("Ông ")
            mention = b.add(person)
            b.add(f", {title}, phát biểu. ")
            persons.append({"name": person, "titles": [title], "organization": body, "mentions": [mention]})
        cited = []
        for document in rng.choices(documents, weights, k=rng.randrange(1, 3)):
            b.add("Thực hiện văn bản số ")
            cited.append({**document, "mentions": [b.add(document["number"])]})
            b.add(". ")
        if rng.random() < 0.5:
            local = f"{rng.randrange(1, 60)}/{day.year}/QĐ-UBND"
            b.add("Ủy ban nhân dân tỉnh ban hành Quyết định số ")
            cited.append({"number": local, "type": "Quyết định", "type_code": "QĐ", "year": day.year,
                          "issuer_code": "UBND", "issuer": f"Ủy ban nhân dân tỉnh {name}",
                          "mentions": [b.add(local)]})
            b.add(". ")
        if rng.random() < 0.2:
            b.add("Theo Chỉ thị số ")
            cited.append({"number": "05", "type": "Chỉ thị", "type_code": "CT", "mentions": [b.add("05")]})
            b.add(". ")
        awards, dates = [], []
        for _ in range(rng.randrange(1, 3)):
            roll = rng.random()
            giver = (body if roll < 0.4 else f"Chủ tịch Ủy ban nhân dân tỉnh {name}" if roll < 0.7
                     else rng.choice(NATIONAL_GIVERS) if roll < 0.9 else rng.choice(VAGUE_GIVERS))
            award, award_kind = rng.choice(AWARDS)
            if rng.random() < 0.5:
                b.add("Ngày ")
                when = day - dt.timedelta(days=rng.randrange(10))
                written = f"{when.day}/{when.month}/{when.year}"
                dates.append({**b.add(written), "value": when.isoformat(), "granularity": "day"})
                b.add(", ")
            collectives, individuals = rng.randrange(1, 10), rng.randrange(0, 20)
            span = b.add(f"{collectives} tập thể, {individuals} cá nhân được {giver} tặng {award}")
            awards.append({"award": award, "award_kind": award_kind, "giver": giver, "collectives": collectives,
                           "individuals": individuals, "recipients": collectives + individuals, **span})
            b.add(". ")
        yield Record.model_validate({
            "id": f"bench-{seed}-{i}", "source": {"url": f"https://example.org/{i}"}, "title": f"Hội nghị {i}",
            "published_at": published, "authors": ["PV"], "text": b.text(), "rules_version": "bench",
            "organizations": [{"name": n, "text": n, "mentions": m} for n, m in orgs.items()],
            "people": persons, "documents": cited, "awards": awards, "dates": dates,
            "locations": [{"name": name, "kind": kind, "current": current, "mentions": place_mentions}],
        })


def worked_queries() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", (ROOT / "docs" / "research.md").read_text(encoding="utf-8"), re.S)


def load(url: str, count: int, batch: int) -> tuple[float, float]:
    """Store `count` generated articles; (wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    with open_store(url) as store:
        records = generate(count)
        done = 0
        while done < count:
            chunk = [prepare_record(next(records)) for _ in range(min(batch, count - done))]
            store.put_many(chunk)
            done += len(chunk)
            if done % (batch * 20) == 0:
                print(f"  {done} articles, {time.perf_counter() - wall:.0f} s", file=sys.stderr, flush=True)
    return time.perf_counter() - wall, time.process_time() - cpu


def time_queries(url: str, rounds: int) -> list[tuple[float, float, int]]:
    """(median ms, best ms, rows) of each worked query."""
    engine = make_engine(url)
    out = []
    with engine.connect() as connection:
        # statistics (and on PostgreSQL the visibility map) as a loaded database has them
        statement = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text(statement))
        for sql in worked_queries():
            times, rows = [], 0
            for _ in range(rounds):
                began = time.perf_counter()
                rows = len(connection.execute(text(sql)).all())
                times.append((time.perf_counter() - began) * 1000)
            out.append((statistics.median(times), min(times), rows))
    engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500, help="articles per transaction")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sqlite", default="/tmp/vnextract-research-bench.sqlite", help="SQLite file (replaced)")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="PostgreSQL database; the run uses a schema of its own, dropped afterwards")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema (printed)")
    parser.add_argument("--time-only", metavar="URL", help="only time the queries on this existing store")
    args = parser.parse_args()
    names = ["awards per giver per year", "articles citing a document", "one person's titles",
             "most-cited documents per province", "awards per province, merger"]
    if args.time_only:
        for name, (median, best, rows) in zip(names, time_queries(args.time_only, args.rounds)):
            print(f"{name:<36} median {median:8.1f} ms  best {best:8.1f} ms  ({rows} rows)")
        return

    targets = []
    if not args.no_sqlite:
        Path(args.sqlite).unlink(missing_ok=True)
        targets.append(("SQLite", f"sqlite:///{args.sqlite}", None))
    if not args.no_postgres:
        schema = f"vnx_bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(args.postgres)
        with admin.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        separator = "&" if "?" in args.postgres else "?"
        targets.append(("PostgreSQL", f"{args.postgres}{separator}options={quote(f'-csearch_path={schema}')}", schema))
    try:
        for label, url, _ in targets:
            print(f"{label}: loading {args.count} articles into {url} ...", file=sys.stderr, flush=True)
            wall, cpu = load(url, args.count, args.batch)
            print(f"{label}: loaded {args.count} articles in {wall:.1f} s wall, {cpu:.1f} s CPU "
                  f"({args.count / wall:.0f} articles/s)")
            for name, (median, best, rows) in zip(names, time_queries(url, args.rounds)):
                print(f"{label}: {name:<36} median {median:8.1f} ms  best {best:8.1f} ms  ({rows} rows)")
            sys.stdout.flush()
    finally:
        for _, _, schema in targets:
            if schema and not args.keep:
                with admin.begin() as connection:
                    connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
            elif schema:
                print(f"kept PostgreSQL schema {schema}")


if __name__ == "__main__":
    main()
