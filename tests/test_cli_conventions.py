"""The command line's conventions: exit statuses, Ctrl-C, --quiet/--verbose, readable help, completion."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import CORPUS
from extractor.batch.targets import sidecar_path
from extractor.cli import app
from test_batch import finished_keys, variants, write_folder

GOOD = sorted((CORPUS / "articles").glob("*.txt"))[:2]


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def _cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extractor", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env={**os.environ, **(env or {})})


@pytest.fixture
def with_a_bad_one(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in GOOD:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "empty.txt").write_text("")
    return folder


def test_batch_exits_0_when_every_article_succeeded(tmp_path):
    out = tmp_path / "out.jsonl"
    result = _run("batch", *map(str, GOOD), "--out", str(out), "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "failed 0" in result.stdout


def test_batch_exits_1_and_names_the_count_and_the_errors_file(with_a_bad_one, tmp_path):
    out = tmp_path / "out.jsonl"
    result = _run("batch", str(with_a_bad_one), "--out", str(out), "--jobs", "1")
    assert result.exit_code == 1
    errors = sidecar_path(str(out), "errors.jsonl")
    assert f"1 article(s) failed; each is listed with its reason in {errors}" in result.stderr
    assert "empty.txt" in errors.read_text(encoding="utf-8")


def test_extract_exits_1_with_a_count_of_failures(with_a_bad_one):
    result = _run("extract", str(with_a_bad_one))
    assert result.exit_code == 1
    assert "1 of 3 article(s) failed" in result.stderr
    assert len(result.stdout.splitlines()) == 2


@pytest.mark.parametrize("args", [["batch"], ["batch", "x.txt"], ["query", "--limit", "0"], ["no-such-command"],
                                  ["--quiet", "--verbose", "extract", "x.txt"]])
def test_usage_errors_exit_2(args):
    assert _run(*args).exit_code == 2


def test_quiet_prints_no_progress_and_verbose_says_more(tmp_path):
    out = tmp_path / "out.jsonl"
    quiet = _run("--quiet", "batch", *map(str, GOOD), "--out", str(out), "--jobs", "1")
    verbose = _run("--verbose", "batch", *map(str, GOOD), "--out", str(tmp_path / "other.jsonl"), "--jobs", "1")
    assert quiet.exit_code == verbose.exit_code == 0
    assert quiet.stderr == "" and "done 2" in quiet.stdout
    assert "batch:" in verbose.stderr and str(tmp_path / "other.jsonl") in verbose.stderr


def test_help_is_readable():
    for command in ([], ["batch"], ["query"], ["extract"], ["eval"], ["serve"], ["ingest"], ["export"]):
        text = _run(*command, "--help").stdout
        assert not re.search(r"<(str|bool|int|float|path|list\[\w+\])>", text, re.I), (command, text)
    query = _run("query", "--help").stdout
    assert "--search" in query and not re.search(r"--q\b", query)
    assert "--out" in _run("batch", "--help").stdout and "TARGET" in _run("batch", "--help").stdout


def test_shell_completion_is_offered():
    text = _run("--help").stdout
    assert "--install-completion" in text and "--show-completion" in text
    # typer guesses the shell from the parent processes, which a test runner's need not be: name it
    script = _cli("--show-completion", "bash", env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert script.returncode == 0 and "complete" in script.stdout


def test_ctrl_c_exits_130_and_says_the_same_command_resumes(tmp_path):
    count = 200
    src = write_folder(tmp_path / "in", variants(count))
    out = str(tmp_path / "out.jsonl")
    command = [sys.executable, "-m", "extractor", "batch", str(src), "--out", out, "--jobs", "2", "--flush-every", "4"]
    ledger = sidecar_path(out, "ledger.sqlite")
    run = subprocess.Popen(command, cwd=tmp_path, start_new_session=True, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while finished_keys(ledger) < 12:
        assert run.poll() is None, run.stderr.read()[-2000:]
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C on a terminal sends: the whole group
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 130, stderr[-2000:]
    assert "interrupted; run the same command again to resume" in stderr
    assert "Traceback" not in stderr
    again = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    assert re.search(r"skipped [1-9]\d* as already done", again.stdout)
