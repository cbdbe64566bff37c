"""The service's configuration, read from the environment."""
from __future__ import annotations

import os
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from ..store import DEFAULT_URL


class Settings(BaseSettings):
    """The service's configuration, from environment variables of these names."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    database_url: str = Field(DEFAULT_URL, alias="DATABASE_URL")
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="VNEXTRACT_API_KEYS", description="Comma-separated keys that may write")
    read_keys_required: bool = Field(False, alias="VNEXTRACT_READ_KEYS_REQUIRED",
                                     description="Every read and extraction needs a key")
    extract_keys_required: bool = Field(False, alias="VNEXTRACT_EXTRACT_KEYS_REQUIRED",
                                        description="Extraction (/v1/extract, /v1/extract/batch, /v1/tag) needs a key")
    anonymous_extractions: int = Field(
        4, alias="VNEXTRACT_ANONYMOUS_EXTRACTIONS", ge=0,
        description="Extraction requests one client address may have running at once without a key; 0: no limit")
    max_body_bytes: int = Field(2_000_000, alias="VNEXTRACT_MAX_BODY_BYTES", gt=0)
    body_timeout: float = Field(30.0, alias="VNEXTRACT_BODY_TIMEOUT", gt=0,
                                description="Seconds a request body may take to arrive (then 408)")
    head_timeout: float = Field(10.0, alias="VNEXTRACT_HEAD_TIMEOUT", gt=0,
                                description="Seconds a request's head may take to arrive (then 408); "
                                            "enforced by the server protocol of `vnextract serve`")
    extract_processes: int = Field(default_factory=lambda: os.cpu_count() or 1, alias="VNEXTRACT_EXTRACT_PROCESSES", ge=0,
                                   description="Worker processes running extract(); 0 runs it in the server process")
    extract_timeout: float = Field(60.0, alias="VNEXTRACT_EXTRACT_TIMEOUT", gt=0,
                                   description="Seconds one article may take before its worker is replaced")
    extract_cpu_seconds: float | None = Field(5.0, alias="VNEXTRACT_EXTRACT_CPU_SECONDS", gt=0,
                                              description="CPU seconds one article's extraction may use; past "
                                                          "it the request gets a 503 problem and the worker "
                                                          "stays up for the next one")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="VNEXTRACT_CORS_ORIGINS",
        description="Comma-separated origins whose pages may call the API from a browser (default: none)")

    @field_validator("api_keys", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return [k.strip() for k in value.split(",") if k.strip()] if isinstance(value, str) else value
