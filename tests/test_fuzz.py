"""Schemathesis over every operation of the API, in process, on SQLite and on PostgreSQL (issue 14).

Bounded and reproducible: a fixed seed, deterministic generation, a fixed number of examples per
operation, every check schemathesis has, and a write key so that writes are tried too. Zero
failures is the bar: a 500, a status or a body the OpenAPI document does not declare, invalid
input accepted or valid input refused all fail the run.

Run alone with `pytest tests/test_fuzz.py`; VNEXTRACT_FUZZ_EXAMPLES=200 for a longer run.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.python.asgi import shutdown_lifespans

from extractor.store.engine import make_engine
from service import Settings, create_app
from test_store import PG_URL, _postgres_unreachable, _with_query

KEY = "fuzz-key"
SEED = 14
EXAMPLES = int(os.environ.get("VNEXTRACT_FUZZ_EXAMPLES", "25"))
CONFIG = {
    "seed": SEED,
    "headers": {"X-API-Key": KEY},
    "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
    "checks": {"enabled": True},
    "phases": {"stateful": {"enabled": False}},
    # Where the service judges more than the schema can say, a schema-valid request may be refused:
    # extraction refuses empty, binary, oversized or unparseable articles (413, 415, 422), and a
    # page of articles a cursor it did not give out (400) or a reversed date range (422).
    "operations": [
        {"include-name-regex": "^POST /v1/(extract|extract/batch|tag|articles)$",
         "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "413", "415", "422"]}}},
        {"include-name": "GET /v1/articles",
         "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "422"]}}},
    ],
}

# The schemas are built when the module is imported (schemathesis parametrizes at collection), so
# the stores are named now and made by the fixtures below: an app opens its store at its first request.
_FOLDER = Path(tempfile.mkdtemp(prefix="vnextract-fuzz-"))
_PG_SCHEMA = f"vnx_fuzz_{uuid.uuid4().hex[:12]}"
_URLS = {"sqlite": f"sqlite:///{_FOLDER / 'fuzz.sqlite'}",
         "postgresql": _with_query(PG_URL, f"options={quote(f'-csearch_path={_PG_SCHEMA}')}")}


def _api(backend: str):
    app = create_app(Settings(DATABASE_URL=_URLS[backend], VNEXTRACT_API_KEYS=KEY, VNEXTRACT_EXTRACT_PROCESSES=0))
    api = schemathesis.openapi.from_dict(app.openapi(), config=SchemathesisConfig.from_dict(CONFIG))
    api.app = app
    return api


sqlite_api, postgres_api = _api("sqlite"), _api("postgresql")


@pytest.fixture(scope="module", autouse=True)
def _stores():
    yield
    shutdown_lifespans()  # the apps close their stores before the databases go
    shutil.rmtree(_FOLDER, ignore_errors=True)
    if not _postgres_unreachable():
        admin = make_engine(PG_URL)
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {_PG_SCHEMA} CASCADE")
        admin.dispose()


@pytest.fixture(scope="module")
def postgres():
    reason = _postgres_unreachable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_URL} is unreachable and CI is set: {reason}")
        pytest.skip(f"PostgreSQL at {PG_URL} is unreachable: {reason}")
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {_PG_SCHEMA}")
    admin.dispose()


@sqlite_api.parametrize()
def test_every_operation_on_sqlite(case):
    case.call_and_validate()


@postgres_api.parametrize()
def test_every_operation_on_postgresql(case, postgres):
    case.call_and_validate()
