"""Throughput of extract() on one core, beside underthesea's `ner` on the same texts."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from .api import extract
from .input import HTML_SUFFIXES
from .input.decode import decode_bytes
from .input.html import html_to_article, looks_like_html


def load_texts(paths: list[Path]) -> list[str]:
    """Plain article texts (HTML reduced to its main text, so both tools see the same words)."""
    texts = []
    for p in paths:
        text, _ = decode_bytes(p.read_bytes(), str(p))
        if p.suffix.lower() in HTML_SUFFIXES or looks_like_html(text):
            text = html_to_article(text, str(p)).text
        texts.append(text)
    return texts


def rate(fn: Callable[[str], object], texts: list[str], *, min_seconds: float, max_seconds: float) -> tuple[float, int, float]:
    """(articles per wall-clock second, articles, articles per CPU second) of `fn` over `texts`,
    cycling for at least `min_seconds`.

    CPU time is this process's own: on a shared virtual machine the wall clock also counts
    time the host gave to others (steal), which says nothing about extract()."""
    fn(texts[0])  # warm-up: rules compiled, models loaded
    done, start, cpu_start = 0, time.perf_counter(), time.process_time()

    def result() -> tuple[float, int, float]:
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        return done / elapsed, done, done / max(cpu, 1e-9)

    while True:
        for t in texts:
            fn(t)
            done += 1
            if time.perf_counter() - start >= max_seconds:
                return result()
        if time.perf_counter() - start >= min_seconds:
            return result()


def run_benchmark(paths: list[Path], *, seconds: float = 3.0, baseline_seconds: float = 20.0, baseline: bool = True,
                  rounds: int = 5) -> dict:
    """extract() timed in `rounds` rounds of `seconds / rounds`; the figures are the median
    round by CPU time and by wall clock (and the best round by wall clock)."""
    texts = load_texts(paths)
    chars = sum(map(len, texts)) / max(1, len(texts))
    per_round = max(seconds / rounds, 0.05)
    results = [rate(lambda t: extract(t, html=False), texts, min_seconds=per_round, max_seconds=per_round * 4)
               for _ in range(rounds)]
    wall = sorted(r for r, _, _ in results)
    cpu = sorted(c for _, _, c in results)
    result = {"articles": len(texts), "mean_chars": round(chars),
              "extract_per_s": round(wall[len(wall) // 2], 1), "extract_best_per_s": round(wall[-1], 1),
              "extract_per_cpu_s": round(cpu[len(cpu) // 2], 1), "extract_runs": sum(n for _, n, _ in results)}
    if baseline:
        # underthesea as one would use it on an article: sentence by sentence (baseline.py)
        from .baseline import underthesea_entities

        theirs, n_theirs, theirs_cpu = rate(underthesea_entities, texts, min_seconds=0.0, max_seconds=baseline_seconds)
        result.update(underthesea_ner_per_s=round(theirs, 2), underthesea_ner_per_cpu_s=round(theirs_cpu, 2),
                      underthesea_runs=n_theirs, ratio=round(result["extract_per_cpu_s"] / theirs_cpu, 1))
    return result
