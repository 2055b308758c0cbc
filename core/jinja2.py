"""The Jinja2 environment for the fragments rendered by Jinja2 (see TEMPLATES in settings)."""

from jinja2 import Environment


def environment(**options) -> Environment:
    # Django's backend turns autoescaping on; keep the output as compact as the Django templates.
    return Environment(trim_blocks=True, lstrip_blocks=True, **options)
