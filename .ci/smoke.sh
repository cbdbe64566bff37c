#!/usr/bin/env bash
# Smoke test of an installed vnextract (a wheel in a fresh virtualenv), run from a folder
# outside the checkout: every command a new user meets, then the service's /healthz and /docs.
# Usage: .ci/smoke.sh VENV_BIN CORPUS_DIR   (CORPUS_DIR holds articles/ and gold.jsonl)
set -euo pipefail
bin=$(cd "$1" && pwd); corpus=$(cd "$2" && pwd)
work=$(mktemp -d); server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
py="$bin/python"; vn="$bin/vnextract"

"$vn" --version
mkdir three && cp $(ls "$corpus"/articles/*.txt | head -n 2) $(ls "$corpus"/articles/*.html | head -n 1) three/
"$vn" extract three/$(ls three | head -n 1) > one.jsonl
"$py" -c 'import json; r = json.loads(open("one.jsonl").readline()); assert r["id"] and r["dates"], r'
head -n 3 "$corpus/gold.jsonl" > gold.jsonl
"$vn" eval gold.jsonl "$corpus/articles" > eval.txt && grep -q '^dates' eval.txt
"$vn" --quiet batch three --out sqlite:///smoke.sqlite --jobs 1
"$vn" query --db sqlite:///smoke.sqlite --format json \
  | "$py" -c 'import json, sys; assert len(json.load(sys.stdin)["items"]) == 3'
"$vn" --quiet ingest three --db sqlite:///ingested.sqlite
"$vn" export --db sqlite:///ingested.sqlite --format csv --out export > exported.txt
test -s export/articles.csv

port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
VNEXTRACT_EXTRACT_PROCESSES=1 "$vn" --quiet serve --port "$port" --db sqlite:///served.sqlite & server=$!
"$py" - "$port" <<'PY'
import re, sys, time, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
for _ in range(120):
    try:
        health = urllib.request.urlopen(base + "/healthz", timeout=2).read()
        break
    except OSError:
        time.sleep(0.5)
else:
    sys.exit("the service did not start")
assert b'"ok"' in health, health
docs = urllib.request.urlopen(base + "/docs", timeout=5).read().decode()
assets = re.findall(r'(?:src|href)="([^"]+)"', docs)
assert assets and all(a.startswith("/") for a in assets), assets  # nothing from another host
for asset in assets:
    assert urllib.request.urlopen(base + asset, timeout=5).status == 200, asset
print("service: /healthz ok, /docs and its", len(assets), "assets served locally")
PY
kill "$server"; wait "$server" || true; server=""
echo "smoke test passed"
