"""`python -m bench.subscriptions [--subscribers N] [--workers 2]`: how fast a new article's emails
reach a local SMTP server through the task workers (see bench/mail_delivery.py).
`make bench-subscriptions N=20000` runs it on a database of its own."""

import os
import sys

import django


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ewview.settings")
    django.setup()
    # Imported once the apps are loaded: it reads the models at import.
    from bench.mail_delivery import Command

    args = sys.argv[1:] if argv is None else argv
    Command().run_from_argv(["python -m bench.subscriptions", "bench_subscriptions", *args])


if __name__ == "__main__":
    main()
