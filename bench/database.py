"""The benchmarks' PostgreSQL database, made if it is missing (call once Django is set up)."""

import psycopg
from django.conf import settings
from django.db import OperationalError, connection


def database_ensure() -> bool:
    """Create the configured database if it does not exist yet; True if it was created now."""
    try:
        connection.ensure_connection()
        return False
    except OperationalError:
        pass
    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as server:
        server.execute(f'CREATE DATABASE "{db["NAME"]}"')
    return True
