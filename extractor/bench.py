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


def rate(fn: Callable[[str], object], texts: list[str], *, min_seconds: float, max_seconds: float) -> tuple[float, int]:
    """Articles per second of `fn` over `texts`, cycling for at least `min_seconds`."""
    fn(texts[0])  # warm-up: rules compiled, models loaded
    done, start = 0, time.perf_counter()
    while True:
        for t in texts:
            fn(t)
            done += 1
            elapsed = time.perf_counter() - start
            if elapsed >= max_seconds:
                return done / elapsed, done
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return done / elapsed, done


def run_benchmark(paths: list[Path], *, seconds: float = 3.0, baseline_seconds: float = 20.0, baseline: bool = True,
                  rounds: int = 5) -> dict:
    """extract() timed in `rounds` rounds of `seconds / rounds`: the median round is the figure,
    and the best is printed beside it, since a shared machine steals time from some rounds."""
    texts = load_texts(paths)
    chars = sum(map(len, texts)) / max(1, len(texts))
    per_round = max(seconds / rounds, 0.05)
    results = [rate(lambda t: extract(t, html=False), texts, min_seconds=per_round, max_seconds=per_round * 4)
               for _ in range(rounds)]
    rates = sorted(r for r, _ in results)
    result = {"articles": len(texts), "mean_chars": round(chars), "extract_per_s": round(rates[len(rates) // 2], 1),
              "extract_best_per_s": round(rates[-1], 1), "extract_runs": sum(n for _, n in results)}
    if baseline:
        # underthesea as one would use it on an article: sentence by sentence (baseline.py)
        from .baseline import underthesea_entities

        theirs, n_theirs = rate(underthesea_entities, texts, min_seconds=0.0, max_seconds=baseline_seconds)
        result.update(underthesea_ner_per_s=round(theirs, 2), underthesea_runs=n_theirs,
                      ratio=round(result["extract_per_s"] / theirs, 1))
    return result
