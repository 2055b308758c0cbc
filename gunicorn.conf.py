"""gunicorn settings, read by `gunicorn ewview.wsgi` started from this directory.

Workers, bind address and the rest stay on the command line (see README, Production).
"""

import gc


def post_worker_init(worker):
    # What is loaded by now (Django, the apps, compiled templates) lives as long as the worker.
    # Frozen, the garbage collector stops walking it on each full collection, which otherwise
    # pauses a request now and then for tens of milliseconds (the p99).
    gc.freeze()
