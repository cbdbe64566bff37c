"""A/B CPU time of extract() for two checkouts, interleaved round by round.

On a shared machine the load changes from minute to minute, so two benchmarks run one after
the other compare the load as much as the code. Here one worker process per checkout (its
folder first on sys.path) waits; the driver asks each in turn for one round of extract()
calls over the same texts and reads back the CPU milliseconds per article (time.process_time,
this process's own), so both see the same load, round after round.

    .venv/bin/python benchmarks/ab_extract.py /tmp/old-checkout . --rounds 20 ../shared/seeds
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

WORKER = r"""
import sys, time
from pathlib import Path
from extractor import extract
from extractor.bench import load_texts
texts = load_texts([Path(p) for p in sys.argv[2:]])
calls = int(sys.argv[1])
for t in texts: extract(t, html=False)
print("ready", flush=True)
for line in sys.stdin:
    start = time.process_time()
    for _ in range(calls):
        for t in texts: extract(t, html=False)
    print((time.process_time() - start) * 1000 / (calls * len(texts)), flush=True)
"""


def _paths(folders: list[Path]) -> list[str]:
    return [str(p) for f in folders for p in sorted(f.iterdir()) if p.suffix.lower() in (".txt", ".html", ".htm")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path, help="checkout A (the folder holding extractor/)")
    parser.add_argument("b", type=Path, help="checkout B")
    parser.add_argument("folders", type=Path, nargs="+", help="folders of articles")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--calls", type=int, default=40, help="passes over the texts per round")
    args = parser.parse_args()
    paths = _paths(args.folders)
    workers = []
    for root in (args.a, args.b):
        env_path = str(root.resolve())
        p = subprocess.Popen([sys.executable, "-c", f"import sys; sys.path.insert(0, {env_path!r})\n" + WORKER,
                              str(args.calls), *paths], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert p.stdout.readline().strip() == "ready"
        workers.append(p)
    times: list[list[float]] = [[], []]
    for r in range(args.rounds):
        order = (0, 1) if r % 2 == 0 else (1, 0)  # neither always goes first
        for k in order:
            workers[k].stdin.write("go\n")
            workers[k].stdin.flush()
            times[k].append(float(workers[k].stdout.readline()))
    for p in workers:
        p.stdin.close()
        p.wait()
    ratios = [b / a for a, b in zip(*times)]
    for name, t in zip(("A", "B"), times):
        print(f"{name}: median {statistics.median(t):.3f} ms/article (min {min(t):.3f}, max {max(t):.3f}) "
              f"= {1000 / statistics.median(t):.0f} articles per CPU second")
    print(f"B/A per round: median {statistics.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f}); "
          f"{len(paths)} articles, {args.rounds} rounds of {args.calls} passes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
