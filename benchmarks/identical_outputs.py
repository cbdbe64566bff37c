"""Byte-identical outputs: the gate of a change meant to alter speed and nothing else.

Extracts every text of the seeds, the dev set, corpus/articles, the inputs of
corpus/examples/*.yaml (as tests/test_examples.py builds them) and every adversarial shape at
10 KB, and writes each record's JSON (`model_dump_json()`, or the error's class and message)
to a file. `--check` extracts again and compares byte for byte. The work units each extraction
spent (doc.budget) are saved too and compared separately: a change may move spending, but it
should say so.

    .venv/bin/python benchmarks/identical_outputs.py --save /tmp/outputs.jsonl   # before
    .venv/bin/python benchmarks/identical_outputs.py --check /tmp/outputs.jsonl  # after each change
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from extractor import ExtractOptions, api, extract
from extractor.adversarial import SHAPES
from extractor.errors import ExtractionError

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "corpus" / "examples"
FAMILIES = ("dates", "documents", "awards", "organizations", "people", "locations")


def _example_inputs():
    """(name, text, options) of every example and negative, built as tests/test_examples.py does."""
    def article(text: str, context: dict) -> str:
        return f"Hội nghị tại tỉnh {context['place']}\n{text}\n" if context.get("place") else text

    for family in FAMILIES:
        data = yaml.safe_load((EXAMPLES / f"{family}.yaml").read_text(encoding="utf-8"))
        for i, ex in enumerate(data["examples"]):
            context = {**data.get("context", {}), **ex.get("context", {})}
            for j, marked in enumerate(ex["texts"]):
                text = article(marked.replace("[", "", 1).replace("]", "", 1), context)
                yield f"examples/{family}/{i}/{j}", text, ExtractOptions(published_at=context.get("published_at"))
        for k, text in enumerate(data.get("negatives", [])):
            context = data.get("context", {})
            yield f"examples/{family}/not/{k}", article(text, context), ExtractOptions(published_at=context.get("published_at"))
    layout = yaml.safe_load((EXAMPLES / "layout.yaml").read_text(encoding="utf-8"))
    for i, ex in enumerate(layout["examples"]):
        yield f"examples/layout/{i}", ex["text"], None


def inputs():
    """(name, content, options, html) of every input, in a fixed order."""
    for label, folder in (("seeds", SHARED / "seeds"), ("dev", SHARED / "dev" / "articles"),
                          ("corpus", ROOT / "corpus" / "articles")):
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in (".txt", ".html", ".htm"):
                yield f"{label}/{path.name}", path, None, None
                if path.suffix.lower() == ".txt":  # as `vnextract bench` passes them
                    yield f"{label}/{path.name}#text", path.read_text(encoding="utf-8"), None, False
    for name, text, options in _example_inputs():
        yield name, text, options, False
    for s in SHAPES:
        yield f"adversarial/{s.name}", s.make(10_000), None, s.html


def run() -> dict[str, tuple[str, int | None]]:
    """name -> (output JSON or error, work units spent)."""
    docs = []
    real = api.run_pipeline

    def recording(doc, *a, **k):  # the Doc of the last extraction, for its budget
        docs.append(doc)
        return real(doc, *a, **k)

    api.run_pipeline = recording
    out = {}
    try:
        for name, content, options, html in inputs():
            docs.clear()
            try:
                result = extract(content, options=options, html=html).model_dump_json()
            except ExtractionError as e:
                result = f"{type(e).__name__}: {e}"
            out[name] = (result, docs[-1].budget.spent if docs else None)
    finally:
        api.run_pipeline = real
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--save", type=Path, help="write the outputs here")
    mode.add_argument("--check", type=Path, help="compare with outputs saved here")
    args = parser.parse_args()
    now = run()
    if args.save:
        with args.save.open("w", encoding="utf-8") as f:
            for name, (result, spent) in now.items():
                f.write(json.dumps({"name": name, "output": result, "spent": spent}, ensure_ascii=False) + "\n")
        print(f"saved {len(now)} outputs to {args.save}")
        return 0
    saved = {}
    for line in args.check.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        saved[row["name"]] = (row["output"], row["spent"])
    differ = [n for n in saved if n not in now or now[n][0] != saved[n][0]] + [n for n in now if n not in saved]
    spent = [(n, saved[n][1], now[n][1]) for n in saved if n in now and now[n][1] != saved[n][1]]
    for n in differ[:20]:
        print(f"DIFFERENT: {n}")
    if spent:
        print(f"work units changed on {len(spent)} inputs, e.g. " +
              ", ".join(f"{n}: {a} -> {b}" for n, a, b in spent[:5]))
    print(f"{len(now)} outputs, {len(differ)} different")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
