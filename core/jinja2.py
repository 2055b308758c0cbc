"""The Jinja2 environment for the fragments rendered by Jinja2 (see TEMPLATES in settings)."""

from jinja2 import Environment

from .dates import datetime_iso, datetime_shown


def environment(**options) -> Environment:
    # Django's backend turns autoescaping on; keep the output as compact as the Django templates.
    env = Environment(trim_blocks=True, lstrip_blocks=True, **options)
    env.filters.update(datetime_iso=datetime_iso, datetime_shown=datetime_shown)
    return env
