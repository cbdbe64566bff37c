# The two commands of the README's quick start.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup run test bench eval schema words

$(BIN)/vnextract: pyproject.toml
	@command -v $(PY) >/dev/null 2>&1 || { echo "need $(PY)"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	@touch $@

setup: $(BIN)/vnextract

# Main job on the embedded default: extract the sample corpus into a SQLite store and show it.
run: setup
	$(BIN)/vnextract ingest corpus/articles --db sqlite:///vnextract.sqlite
	$(BIN)/vnextract query --db sqlite:///vnextract.sqlite --limit 10

test: setup
	$(BIN)/python -m pytest

eval: setup
	$(BIN)/vnextract eval corpus/gold.jsonl corpus/articles

bench: setup
	$(BIN)/vnextract bench

# The record's JSON Schema in docs/, regenerated from the pydantic model (tests check they agree).
schema: setup
	$(BIN)/vnextract schema --out docs/record.schema.json

# rules/words.txt (words of 2-4 syllables) remade from an installed underthesea's Viet74K.
words: setup
	$(BIN)/python -m extractor.wordlist rules/words.txt
