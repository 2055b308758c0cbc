"""Tests that need a tool this machine may lack (a browser, axe-core, nginx, pg_dump, wrk)."""

import os

import pytest


def tool_missing(message: str, *, required_by: str) -> None:
    """Skip for want of a tool, but fail where the environment variable `required_by` is set:
    `.ci/run` installs every tool and sets it, so that nothing goes unchecked unnoticed."""
    if os.environ.get(required_by):
        pytest.fail(f"{required_by} is set but {message}")
    pytest.skip(message)
