"""One log line per request (method, path, status, milliseconds), and JSON lines on request.

With LOG_FORMAT=json every log line is one JSON object, so a log collector reads the request's
fields without parsing text.
"""

import json
import logging
import time
from datetime import UTC, datetime

logger = logging.getLogger("ewview.requests")

# What every LogRecord carries; anything else on a record was passed in `extra` and is logged.
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class RequestLogMiddleware:
    """Logs each request once it is answered, with how long the answer took."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        # The path only: query strings can carry what readers typed (a search, an address).
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
        }
        logger.info(
            "%s %s %s %.1fms", request.method, request.path, response.status_code, duration_ms,
            extra=fields,
        )  # fmt: skip
        return response


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time, level, logger, message and any extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {
            name: value
            for name, value in vars(record).items()
            if name not in _STANDARD_ATTRIBUTES and not name.startswith("_")
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
