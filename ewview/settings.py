"""
Settings for ewview, read from the environment.

Every variable is listed in README.md. With nothing set you get a development-ready default
(SQLite, local-memory cache, mail printed to the console) except the secret key, which a
non-debug process refuses to run without.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django_prose_editor.config import html_tags
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """An environment variable, with empty values treated as unset."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        # Never generate one: a key that changes at each start breaks every signed link already
        # mailed out (confirmations, unsubscribes).
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin, on a site that asks staff for a one-time code when ADMIN_TWO_FACTOR is on.
    "core.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "taggit",
    "django_prose_editor",
    "reversion",
    "core",
    "articles",
    "comments",
    "subscriptions",
    "wordpress",
    "readers",
    "django_tasks",
    "django_tasks_db",
    "anymail",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Reader accounts (readers/): sign-in by emailed code and social accounts.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    # django-comments-xtd must come before django-contrib-comments.
    "django_comments_xtd",
    "django_comments",
]

MIDDLEWARE = [
    # First, so that its line tells how long everything below took, refusals included.
    "core.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.security.SecurityHeadersMiddleware",
    "core.security.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Old WordPress links (/?p=123 included) before the page cache answers for the address.
    "wordpress.middleware.OldAddressRedirectMiddleware",
    # Before sessions, CSRF and auth: a stored page needs none of their work.
    "core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # django-allauth: keeps its multi-step sign-ins (code sent, code entered) in step.
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a username and address that failed too often before checking the password.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Readers' sessions (emailed code, social account): accepts no password, and admin refuses
    # a session it opened (core.admin_site), so staff still sign in to admin with theirs.
    "readers.backends.ReaderBackend",
]
READER_AUTHENTICATION_BACKEND = "readers.backends.ReaderBackend"

ROOT_URLCONF = "ewview.urls"
WSGI_APPLICATION = "ewview.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ewview.context_processors.site",
                "readers.context_processors.sign_in",
            ],
        },
    },
    {
        # For the few fragments that loop over hundreds of items (the comment thread), where
        # Django's engine costs too much per item; every page is a Django template.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "core.jinja2.environment"},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # PostgreSQL plans a query again each time unless it is prepared: for the joins of a
    # comment thread, planning costs more than running. psycopg prepares a query on its fifth
    # run on a connection. Turn off behind PgBouncer in transaction mode, which cannot keep them.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL := env("REDIS_URL"):
    CACHES = {
        "default": {
            # Redis being down makes pages slower, never an error (see core/cache.py).
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "Europe/London")
# Dates as the site writes them, in the admin too (ewview/formats).
FORMAT_MODULE_PATH = ["ewview.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads live on this machine's disk ("local"), or in an S3-compatible bucket ("s3") that every
# web and worker machine shares. Everything reaches them through the storage API.
MEDIA_STORAGE = env("MEDIA_STORAGE", "local").lower()
if MEDIA_STORAGE not in {"local", "s3"}:
    raise ImproperlyConfigured("MEDIA_STORAGE must be local or s3.")
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
SERVE_MEDIA = env_bool("SERVE_MEDIA", MEDIA_STORAGE == "local")


def s3_media_storage() -> dict:
    """django-storages' S3 backend, for AWS S3 or any S3-compatible service (MinIO, R2...)."""
    options = {
        "bucket_name": env("S3_BUCKET"),
        "location": env("S3_LOCATION", "media"),
        # Pages are cached whole and shared: an address that expires would break their images,
        # so objects are served unsigned (a public bucket, or a CDN in front: S3_CUSTOM_DOMAIN).
        "querystring_auth": False,
        "file_overwrite": False,
    }
    for option, variable in {
        "endpoint_url": "S3_ENDPOINT_URL",
        "region_name": "S3_REGION",
        "custom_domain": "S3_CUSTOM_DOMAIN",
        # Unset, boto3 finds credentials itself (AWS_* variables, an instance role).
        "access_key": "S3_ACCESS_KEY_ID",
        "secret_key": "S3_SECRET_ACCESS_KEY",
    }.items():
        if value := env(variable):
            options[option] = value
    if not options["bucket_name"]:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET.")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def media_origins() -> list[str]:
    """Where readers' browsers fetch uploads from, when that is not this site."""
    if MEDIA_STORAGE == "s3":
        if domain := env("S3_CUSTOM_DOMAIN"):
            return [f"https://{domain}"]
        if endpoint := env("S3_ENDPOINT_URL"):
            # Path-style or virtual-hosted addressing: the bucket may come first in the host.
            parts = urlsplit(endpoint)
            return [f"{parts.scheme}://{parts.netloc}", f"{parts.scheme}://*.{parts.netloc}"]
        # AWS: the global address, and the region's (CSP wildcards stand for a first label only).
        bucket, region = env("S3_BUCKET"), env("S3_REGION")
        return [f"https://{bucket}.s3.amazonaws.com"] + (
            [f"https://{bucket}.s3.{region}.amazonaws.com"] if region else []
        )
    if urlsplit(MEDIA_URL).netloc:
        return [f"{urlsplit(MEDIA_URL).scheme}://{urlsplit(MEDIA_URL).netloc}"]
    return []


STORAGES = {
    "default": s3_media_storage()
    if MEDIA_STORAGE == "s3"
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploads bigger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Request bodies larger than these are refused with 413 before being read (core.security): public
# forms are a few kilobytes; admin takes image uploads. Keep nginx's client_max_body_size in step.
PUBLIC_REQUEST_MAX_BYTES = int(env("PUBLIC_REQUEST_MAX_KB", "512")) * 1024
ADMIN_REQUEST_MAX_BYTES = int(env("ADMIN_REQUEST_MAX_MB", "20")) * 1024 * 1024

LOGIN_URL = "admin:login"

# Mail: printed to the console unless an SMTP host or an email service is configured.
EMAIL_PROVIDERS = {
    "ses": "anymail.backends.amazon_ses.EmailBackend",
    "postmark": "anymail.backends.postmark.EmailBackend",
    "mailgun": "anymail.backends.mailgun.EmailBackend",
}
EMAIL_PROVIDER = env("EMAIL_PROVIDER").lower()
if EMAIL_PROVIDER and EMAIL_PROVIDER not in EMAIL_PROVIDERS:
    raise ImproperlyConfigured(f"EMAIL_PROVIDER must be one of {', '.join(EMAIL_PROVIDERS)}.")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    EMAIL_PROVIDERS.get(EMAIL_PROVIDER)
    or (
        "django.core.mail.backends.smtp.EmailBackend"
        if env("EMAIL_HOST")
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
# Seconds before a silent mail server counts as failed (Django's default waits for ever).
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "ewview <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The mail queue (core.mailqueue), for every email: seconds a worker holds a claimed batch (a
# killed worker's batch is taken up after this; it must outlast a batch's sending plus a slow
# server's EMAIL_TIMEOUTs, see mailqueue.send_window), the first wait after a temporary failure
# (doubling each time, at most a day), and attempts before giving up.
MAIL_CLAIM_SECONDS = int(env("MAIL_CLAIM_SECONDS", "300"))
MAIL_RETRY_SECONDS = int(env("MAIL_RETRY_SECONDS", "60"))
MAIL_MAX_ATTEMPTS = int(env("MAIL_MAX_ATTEMPTS", "8"))
# django-anymail, for EMAIL_PROVIDER: the service's keys (SES reads boto3's usual AWS_*
# variables) and the user:password its bounce and complaint webhooks at /anymail/ must send.
ANYMAIL = {
    name: value
    for name, value in {
        "POSTMARK_SERVER_TOKEN": env("POSTMARK_SERVER_TOKEN"),
        "MAILGUN_API_KEY": env("MAILGUN_API_KEY"),
        "MAILGUN_SENDER_DOMAIN": env("MAILGUN_SENDER_DOMAIN"),
        "MAILGUN_API_URL": env("MAILGUN_API_URL"),
        "MAILGUN_WEBHOOK_SIGNING_KEY": env("MAILGUN_WEBHOOK_SIGNING_KEY"),
        "WEBHOOK_SECRET": env("ANYMAIL_WEBHOOK_SECRET"),
    }.items()
    if value
}
ADMINS = [("Operator", addr) for addr in env_list("ADMINS")]

# Security: safe defaults for production, relaxed only in development.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
# The header a TLS-terminating proxy sets to "https"; trusted only when we are behind one (a
# client could send it itself otherwise).
BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + env("PROXY_SSL_HEADER", "X-Forwarded-Proto").upper().replace("-", "_"), "https")
    if BEHIND_HTTPS_PROXY
    else None
)
# Plain-http requests are redirected to https; behind a proxy it says which requests were https.
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", BEHIND_HTTPS_PROXY)
# A health check from the machine itself or a load balancer speaks plain http to gunicorn.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HTTP Strict Transport Security: browsers use https only, for this long. Start small (an hour)
# and raise to a year once https works everywhere: browsers remember it.
SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD")
# One policy for every page, no nonces: pages are cached whole and shared (see core.security).
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": [
        "'self'",
        *media_origins(),
        *(["https://www.gravatar.com"] if env("COMMENTS_AVATARS") == "gravatar" else []),
    ],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Browsers report violations (in the console) without blocking: for trying a change to the policy
# on a live site, and in development, where Django's debug pages are styled inline.
CONTENT_SECURITY_POLICY_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", DEBUG)
# Powerful browser features no page of ours uses, turned off for any script that gets in.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
# How many proxies of ours stand in front of the app and append to X-Forwarded-For.
NUM_PROXIES = int(env("NUM_PROXIES", "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# "json": one JSON object per line (for a log collector); "text" for people.
LOG_FORMAT = env("LOG_FORMAT", "text").lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "core.requestlog.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Django's own line per failed request would repeat ours (core.requestlog).
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # Its greeting at every start, in every command's output.
        "axes.apps": {"level": "WARNING"},
    },
}

# ewview
SITE_NAME = env("SITE_NAME", "ewview")
SITE_TAGLINE = env("SITE_TAGLINE", "News and analysis")
# The public address, used in emails and feeds where there is no request to ask.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ARTICLES_PER_PAGE = int(env("ARTICLES_PER_PAGE", "10"))
# Uploaded photos and featured images larger than this (pixels on the long side) are scaled down.
IMAGE_MAX_PX = int(env("IMAGE_MAX_PX", "2000"))

# django-prose-editor: the body editor's image upload and library (static/js/editor-images.js),
# an extension in the library's own way. It inserts figures and images, whose HTML the Figure and
# Image extensions already allow, so it adds nothing to what the sanitiser lets through.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {"js": [static_lazy("js/editor-images.js")], "extensions": {"LibraryImages": html_tags([])}},
]

# django.contrib.sites (needed by django-contrib-comments); kept in step with SITE_URL on migrate.
SITE_ID = 1

# django-comments-xtd, customised in comments/
COMMENTS_APP = "django_comments_xtd"
COMMENTS_XTD_MODEL = "comments.models.Comment"
COMMENTS_XTD_FORM_CLASS = "comments.forms.CommentForm"
COMMENTS_XTD_SALT = b"ewview.comments.xtd"
# xtd counts levels from 0: a depth of 4 means a top-level comment and three levels of replies.
COMMENTS_XTD_MAX_THREAD_LEVEL = int(env("COMMENTS_MAX_DEPTH", "4")) - 1
COMMENTS_XTD_CONFIRM_EMAIL = True
# xtd would send mail from threads inside the request; ours goes through django-tasks.
COMMENTS_XTD_THREADED_EMAILS = False
COMMENTS_XTD_FROM_EMAIL = DEFAULT_FROM_EMAIL
COMMENTS_XTD_APP_MODEL_OPTIONS = {
    "default": {
        "who_can_post": "all",
        "allow_flagging": False,
        "allow_feedback": False,
        "show_feedback": False,
    }
}
COMMENT_MAX_LENGTH = int(env("COMMENT_MAX_LENGTH", "10000"))

# Full-text search (articles.search): PostgreSQL's text search configuration, i.e. the language
# whose stemming and stop words apply ("english", "french", "simple" for none...).
SEARCH_CONFIG = env("SEARCH_CONFIG", "english")

# ewview comment policy: every threshold of moderation and anti-spam.
COMMENTS_THREADS_PER_PAGE = int(env("COMMENTS_THREADS_PER_PAGE", "50"))
# Confirmation and mute links stop working after this many seconds.
COMMENTS_TOKEN_MAX_AGE = int(env("COMMENTS_TOKEN_MAX_AGE", str(7 * 24 * 3600)))
# A comment with this many links or more waits for a moderator.
COMMENTS_HOLD_LINK_COUNT = int(env("COMMENTS_HOLD_LINK_COUNT", "2"))
# Hold the first comment from an address that has no approved comment yet.
COMMENTS_HOLD_FIRST_COMMENT = env_bool("COMMENTS_HOLD_FIRST_COMMENT", True)
# (attempts, seconds): comments posted per IP and per email address.
COMMENTS_RATE_PER_IP = (int(env("COMMENTS_RATE_PER_IP", "5")), 600)
COMMENTS_RATE_PER_EMAIL = (int(env("COMMENTS_RATE_PER_EMAIL", "5")), 600)
# Confirmation emails per recipient and per sending IP, so the form can't flood a stranger.
COMMENTS_CONFIRMATIONS_PER_RECIPIENT = (3, 3600)
COMMENTS_CONFIRMATIONS_PER_IP = (10, 3600)
COMMENTS_REPORTS_PER_IP = (10, 3600)
# "initials" needs no outside request; "gravatar" loads pictures from gravatar.com.
COMMENTS_AVATARS = env("COMMENTS_AVATARS", "initials")
# An outside spam check (see comments/spamcheck.py); off unless a key is given.
AKISMET_API_KEY = env("AKISMET_API_KEY")

# ewview subscriptions: double opt-in, preferences, delivery of new articles and digests.
# Seconds a subscription's confirmation link works.
SUBSCRIPTIONS_CONFIRM_MAX_AGE = int(env("SUBSCRIPTIONS_CONFIRM_MAX_AGE", str(7 * 24 * 3600)))
# (attempts, seconds): sign-ups from one IP, so the form cannot be used to mail many strangers.
SUBSCRIPTIONS_SIGNUPS_PER_IP = (int(env("SUBSCRIPTIONS_SIGNUPS_PER_IP", "10")), 3600)
# (emails, seconds): sign-up emails to one address, whoever asks and from wherever.
SUBSCRIPTIONS_CONFIRMATIONS_PER_RECIPIENT = (
    int(env("SUBSCRIPTIONS_CONFIRMATIONS_PER_RECIPIENT", "3")),
    24 * 3600,
)
# A pending address gets its confirmation again only this many seconds after the last one.
SUBSCRIPTIONS_CONFIRM_RESEND_SECONDS = int(env("SUBSCRIPTIONS_CONFIRM_RESEND_SECONDS", "900"))
# Delivery (subscriptions.sending): sender tasks started per article, so workers share it.
SUBSCRIPTIONS_SEND_TASKS = int(env("SUBSCRIPTIONS_SEND_TASKS", "4"))
# Emails claimed and sent over one mail connection at a time, and batches per task run.
SUBSCRIPTIONS_BATCH_SIZE = int(env("SUBSCRIPTIONS_BATCH_SIZE", "100"))
SUBSCRIPTIONS_BATCHES_PER_TASK = int(env("SUBSCRIPTIONS_BATCHES_PER_TASK", "20"))
# Permanent failures in a row after which an address is suppressed as bouncing.
SUBSCRIPTIONS_BOUNCE_LIMIT = int(env("SUBSCRIPTIONS_BOUNCE_LIMIT", "3"))
# Local hour at which workers send the daily and weekly digests; "off" leaves it to cron.
_digest_hour = env("SUBSCRIPTIONS_DIGEST_HOUR", "7")
SUBSCRIPTIONS_DIGEST_HOUR = None if _digest_hour == "off" else int(_digest_hour)

# Full-page and fragment cache for anonymous readers (core/pagecache.py); off in development by
# default, where templates change under a running server. Off, pages still carry ETags and
# Cache-Control for a proxy or CDN in front.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", not DEBUG)
# Seconds a page or fragment is kept at most; changes outdate it at once anyway. Short enough
# that the comment form on a stored page is never near django-comments' two-hour limit.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "600"))
# Megabytes of recently served pages each web process keeps in memory, so serving one asks
# Redis only whether it is still current.
PAGE_CACHE_MEMORY_MB = int(env("PAGE_CACHE_MEMORY_MB", "32"))
# Milliseconds a process reuses the versions it read from Redis before asking again: a change
# made in another process shows on pages after this long at most.
PAGE_CACHE_VERSIONS_REUSE_MS = int(env("PAGE_CACHE_VERSIONS_REUSE_MS", "10"))
# Cache-Control: browsers revalidate after this many seconds (a reader who just commented must
# see the comment), proxies and CDNs in front keep pages for the other.
PAGE_CACHE_BROWSER_SECONDS = int(env("PAGE_CACHE_BROWSER_SECONDS", "0"))
PAGE_CACHE_SHARED_SECONDS = int(env("PAGE_CACHE_SHARED_SECONDS", "60"))
# The only query parameters public pages read; others (utm_source…) share the page's entry.
PAGE_CACHE_QUERY_PARAMETERS = {"page", "cpage"}
# Settings that change how pages look: cached pages made under other values are not served.
PAGE_CACHE_SETTINGS_IN_KEY = [
    "SITE_NAME", "SITE_TAGLINE", "SITE_URL", "TIME_ZONE", "ARTICLES_PER_PAGE", "COMMENTS_AVATARS",
    "COMMENTS_XTD_MAX_THREAD_LEVEL", "COMMENTS_THREADS_PER_PAGE", "STATIC_URL", "MEDIA_URL",
    "MEDIA_STORAGE",
]  # fmt: skip
# Benchmarks only: a request header that makes the page ("page") or every fragment too
# ("cold") render afresh, to measure what the cache saves. Unset in production.
PAGE_CACHE_BYPASS_HEADER = env("PAGE_CACHE_BYPASS_HEADER")

# django-axes: an admin login is refused for a while after repeated failures with one username
# from one address; counted in the database, so every web machine sees the same failures.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# The client's address as our proxies reported it, as rate limits see it.
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"

# django-otp: with ADMIN_TWO_FACTOR on, staff enter a code from an authenticator app (TOTP) after
# their password. Add each person's device in admin (OTP_TOTP → TOTP devices) before turning it on.
ADMIN_TWO_FACTOR = env_bool("ADMIN_TWO_FACTOR")
OTP_TOTP_ISSUER = SITE_NAME

# /healthz (core.health): the oldest due background task or email may wait this many seconds
# before the check reports a failure (no worker running, or one stuck). A big newsletter sent
# slowly keeps its last emails waiting a while: allow for the provider's sending rate.
HEALTHZ_MAX_TASK_AGE = int(env("HEALTHZ_MAX_TASK_AGE", "600"))
HEALTHZ_MAX_EMAIL_AGE = int(env("HEALTHZ_MAX_EMAIL_AGE", "1800"))

# Feeds (articles.feeds): articles in each feed, and whether an item carries the whole article
# (its body's HTML) besides the summary. Both shape the stored feeds.
FEED_LENGTH = int(env("FEED_LENGTH", "20"))
FEED_FULL_CONTENT = env_bool("FEED_FULL_CONTENT")
PAGE_CACHE_SETTINGS_IN_KEY += ["FEED_LENGTH", "FEED_FULL_CONTENT"]
# django.contrib.sitemaps numbers the pages of a long sitemap with ?p=.
PAGE_CACHE_QUERY_PARAMETERS |= {"p"}

# django-taggit
TAGGIT_CASE_INSENSITIVE = True

# django-tasks: jobs live in the database so any worker on any machine can take them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Task workers (core.worker): how often each records that it is alive, after how long unseen its
# running tasks count as lost and are queued again, and how many runs a task interrupted by a
# lost database connection gets.
WORKER_HEARTBEAT_SECONDS = float(env("WORKER_HEARTBEAT_SECONDS", "10"))
WORKER_LOST_SECONDS = float(env("WORKER_LOST_SECONDS", "60"))
WORKER_TASK_TRIES = int(env("WORKER_TASK_TRIES", "5"))

# ---------------------------------------------------------------------------------------------
# Confirmation emails one mailbox gets from the requests of one IP, (emails, seconds). Below the
# per-recipient caps above (which count every IP): a stranger typing someone's address uses up
# only part of what its owner may still ask for. Addresses are counted by mailbox, however
# spelled (core.ratelimit.mailbox).
COMMENTS_CONFIRMATIONS_PER_RECIPIENT_FROM_ONE_IP = (2, 3600)
SUBSCRIPTIONS_CONFIRMATIONS_PER_RECIPIENT_FROM_ONE_IP = (2, 24 * 3600)

# django-allauth: readers sign in with a code emailed to them (they have no password) or with a
# social account (readers/). Its views live under /account/, restyled by templates/account/.
ACCOUNT_ADAPTER = "readers.adapter.ReaderAccountAdapter"
SOCIALACCOUNT_ADAPTER = "readers.adapter.ReaderSocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Seconds an emailed sign-in code works, and wrong tries before it stops working.
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = int(env("READER_CODE_SECONDS", "600"))
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = int(env("READER_CODE_ATTEMPTS", "3"))
# The sign-in answer never tells whether an address has an account.
ACCOUNT_PREVENT_ENUMERATION = True
# An address reaches an account only once proven: by the emailed code, or by a provider that
# says it verified it (an unverified one must be verified by code first).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme or "https"
LOGIN_REDIRECT_URL = "/account/"
# The client's address as our proxies reported it, for allauth's own rate limits.
ALLAUTH_TRUSTED_PROXY_COUNT = NUM_PROXIES
# Our own limits on the sign-in form, (requests, seconds): per IP, and codes per mailbox.
READER_SIGNINS_PER_IP = (int(env("READER_SIGNINS_PER_IP", "10")), 600)
READER_CODES_PER_RECIPIENT = (int(env("READER_CODES_PER_RECIPIENT", "5")), 3600)
# Days an account the sign-in form made for a new address waits for its code to be entered.
READER_UNCONFIRMED_DAYS = int(env("READER_UNCONFIRMED_DAYS", "2"))
# A reader's photo is the one upload outside admin: its form's address takes this much.
REQUEST_MAX_BYTES_BY_PATH = {
    "/account/profile/": int(env("READER_PHOTO_MAX_MB", "5")) * 1024 * 1024,
}
# Only signed-in readers may comment (guests are shown the sign-in link instead of the form).
COMMENTS_REQUIRE_SIGN_IN = env_bool("COMMENTS_REQUIRE_SIGN_IN")
PAGE_CACHE_SETTINGS_IN_KEY += ["COMMENTS_REQUIRE_SIGN_IN"]

# Social accounts, each on only when its keys are set; the sign-in page shows those alone, as
# plain links (no provider's script on any page). Apps come from here, not database rows. The
# providers' code is always installed: one without keys has no app, so no button and no sign-in.
SOCIAL_PROVIDERS = {
    # allauth's provider: (environment prefix, scopes)
    "google": ("GOOGLE", ["openid", "email", "profile"]),
    "facebook": ("FACEBOOK", ["email", "public_profile"]),
    "twitter_oauth2": ("X", ["users.read", "tweet.read"]),
    "github": ("GITHUB", ["read:user", "user:email"]),
}
INSTALLED_APPS += [f"allauth.socialaccount.providers.{name}" for name in SOCIAL_PROVIDERS]
INSTALLED_APPS += ["allauth.socialaccount.providers.openid_connect"]
SOCIALACCOUNT_PROVIDERS = {
    name: {
        "APPS": [
            {"client_id": env(f"{prefix}_CLIENT_ID"), "secret": env(f"{prefix}_CLIENT_SECRET")}
        ],
        "SCOPE": scope,
    }
    for name, (prefix, scope) in SOCIAL_PROVIDERS.items()
    if env(f"{prefix}_CLIENT_ID") and env(f"{prefix}_CLIENT_SECRET")
}
if "facebook" in SOCIALACCOUNT_PROVIDERS:
    # Plain OAuth2 redirects, not Facebook's JavaScript SDK.
    SOCIALACCOUNT_PROVIDERS["facebook"]["METHOD"] = "oauth2"
if env("OIDC_SERVER_URL") and env("OIDC_CLIENT_ID"):
    # Any OpenID Connect provider, such as a newsroom's own, at /account/oidc/oidc/login/.
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": "oidc",
                "name": env("OIDC_PROVIDER_NAME", "OpenID Connect"),
                "client_id": env("OIDC_CLIENT_ID"),
                "secret": env("OIDC_CLIENT_SECRET"),
                "settings": {"server_url": env("OIDC_SERVER_URL"), "oauth_pkce_enabled": True},
            }
        ]
    }
# A provider's address logs into the account holding it only when the provider says it verified
# it (allauth checks); an unverified one must be proven by code before it reaches any account.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_AUTO_SIGNUP = True
# A GET to a provider's login address shows a button; only its POST leaves for the provider.
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
