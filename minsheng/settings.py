"""Settings of the Minsheng portal, read from the environment (see README, "Configuration")."""

import base64
import hashlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_HASHES, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats

from minsheng.clientip import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# The hash CSP uses to allow exactly this handler of django-import-export's export form.
_IMPORT_EXPORT_TOGGLE_SHA256 = base64.b64encode(
    hashlib.sha256(b"onSelectToggleChange(event)").digest()
).decode()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in production, "
            "or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - debug only

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "import_export",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "csp",
    "axes",
    "minsheng",
    "departments",
    "projects",
    "feedback",
    "dashboard",
    "notifications",
    # Above every app: it loads the sample plan through their services (manage.py loaddemo).
    "demo",
    "bench",
]

MIDDLEWARE = [
    "minsheng.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "minsheng.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "minsheng.cache.CsrfTokenFillMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "minsheng.middleware.StaffIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the failed sign-ins of every view (the admin's and the API token's).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "minsheng.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "minsheng.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "minsheng.wsgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# Redis is a cache, never something a page waits for: an operation gives up after
# CACHE_CONNECT_TIMEOUT seconds to connect and CACHE_SOCKET_TIMEOUT seconds for an answer, and
# after a failure the cache is taken to be down for CACHE_RETRY_AFTER seconds, during which
# its operations fail at once; pages and the API carry on without it (minsheng/redis_cache.py).
REDIS_CACHE_OPTIONS = {
    "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.25),
    "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.25),
    "retry_after": env.float("CACHE_RETRY_AFTER", default=5),
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "minsheng.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "minsheng",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Staff passwords: Django's rules; the length message and the common-password list are the
# portal's (minsheng/passwords.py: Django's list plus one of Chinese users' and this site's
# words, also when dressed up with digits, a year or symbols).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "minsheng.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "minsheng.passwords.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # Refuses a locked (user name, address) pair, or a user name that must wait, before any
    # password is checked.
    "minsheng.security.SignInBackend",
    # Object permissions ("may this user change this project?"): the predicates of
    # projects/permissions.py. Model permissions (the groups) stay with ModelBackend.
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Staff sign-in protection (django-axes): after AXES_FAILURE_LIMIT failed sign-ins for one
# user name from one address, that pair (never the user name alone, which would let anyone
# lock a colleague out) is refused for LOGIN_COOL_OFF_MINUTES after its last failure.
AXES_ENABLED = env.bool("LOGIN_LOCKOUT_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOL_OFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "minsheng.security.lockout_response"
AXES_COOLOFF_MESSAGE = _("Too many failed sign-ins. Please try again later.")
# Attempts refused while locked are not counted: the cool-off runs from the last failure that
# was judged, so someone who keeps guessing cannot keep a user out for good by doing so.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client's address as the rest of the portal reads it (TRUSTED_PROXIES, CLIENT_IP_HEADER).
AXES_CLIENT_IP_CALLABLE = "minsheng.clientip.client_ip"
# A user name that fails LOGIN_USER_SLOWDOWN_AFTER times within the cool-off, from any number
# of addresses, is then tried at most once per 1, 2, 4 … seconds, up to
# LOGIN_USER_SLOWDOWN_MAX_SECONDS: guessing from many addresses is slowed, yet nobody can lock
# the user name itself (the lockout above is per user name *and* address).
MINSHENG_LOGIN_USER_SLOWDOWN_AFTER = env.int("LOGIN_USER_SLOWDOWN_AFTER", default=10)
MINSHENG_LOGIN_USER_SLOWDOWN_MAX_SECONDS = env.int("LOGIN_USER_SLOWDOWN_MAX_SECONDS", default=60)
# Sign-ins are logged by the portal's own log; no row per successful sign-in.
AXES_DISABLE_ACCESS_LOG = True

# Where the admin lives ("admin/" unless DJANGO_ADMIN_PATH names another path).
ADMIN_PATH = env.str("DJANGO_ADMIN_PATH", default="admin/").strip("/") + "/"

# HTTPS and headers. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER to the header
# it sets (e.g. "HTTP_X_FORWARDED_PROTO,https"); the redirect to HTTPS can be left to the proxy.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz"]  # probes talk plain HTTP inside the network
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) if len(_proxy_ssl_header) == 2 else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Entering the browsers' preload list binds the whole domain and its subdomains for good: a
# decision for the domain's owner, not a default of the portal. Until it is taken, the
# deployment check's reminder about it is not a warning about this site.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Only staff sign in. A signed-in user idle for STAFF_SESSION_IDLE_MINUTES is signed out on
# the next request (minsheng.middleware.StaffIdleTimeoutMiddleware); whatever the activity, a
# session ends SESSION_COOKIE_AGE seconds after sign-in, by default 12 hours: one working day,
# so that staff sign in each morning and a stolen session cookie is worth a day at most, not
# Django's two weeks.
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=120)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True  # no script of the portal reads it; forms carry the token
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (django-csp): everything from the portal itself, no inline script.
# Inline styles stay allowed: progress bars set their width in a style attribute, and the
# admin's widgets and the API documentation page (Swagger UI) style elements the same way.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [
            SELF,
            # The one inline handler of django-import-export's export page ("select all").
            UNSAFE_HASHES,
            "'sha256-%s'" % _IMPORT_EXPORT_TOGGLE_SHA256,
        ],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names need ``collectstatic``; development and tests serve as is.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="禹会区民生实事公开平台 <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds before an unanswering mail server counts as a failed delivery (retried later).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

LOGIN_URL = "admin:login"
CSRF_FAILURE_VIEW = "minsheng.views.csrf_failure"

# Uploaded attachments: size limit in bytes and the accepted kinds (checked by content).
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Largest image accepted, in pixels (width × height), read from the header before decoding:
# a small file can declare a huge image whose decoding takes gigabytes. 40 megapixels is
# more than a phone camera takes. Pillow's own cap (MAX_IMAGE_PIXELS) is set to the same
# number when the projects app starts.
ATTACHMENT_MAX_PIXELS = env.int("ATTACHMENT_MAX_PIXELS", default=40_000_000)
# Largest total unpacked size of an Office document (a zip package), against zip bombs.
ATTACHMENT_MAX_UNPACKED_BYTES = env.int("ATTACHMENT_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024)
# Attachments are served by the portal, which checks who may see each (a report's photos
# stay with staff until it is approved). Behind nginx, set this to an ``internal`` location
# aliasing MEDIA_ROOT (e.g. "/protected-media/"): the portal then answers with
# X-Accel-Redirect and nginx sends the file. Empty: the portal streams the file itself.
ATTACHMENT_ACCEL_REDIRECT_PREFIX = env.str("ATTACHMENT_ACCEL_REDIRECT_PREFIX", default="")
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_FORMATS = [base_formats.XLSX, base_formats.CSV]
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

# The site, as residents and e-mails name it.
SITE_NAME = env.str("SITE_NAME", default="禹会区民生实事公开平台")
SITE_BASE_URL = env.str("SITE_BASE_URL", default="http://127.0.0.1:8000")
SITE_ORGANISER = env.str("SITE_ORGANISER", default="蚌埠市禹会区发展和改革委员会")
SITE_CONTACT_PHONE = env.str("SITE_CONTACT_PHONE", default="0552-4957006")
SITE_IDENTIFIER = env.str("SITE_IDENTIFIER", default="")
SITE_ICP = env.str("SITE_ICP", default="")

# The date the portal treats as "today" for lights and deadlines. Empty means the real date;
# the demo sets it so that the 2024 sample plan is seen in the middle of its year.
MINSHENG_AS_OF_DATE = env.str("MINSHENG_AS_OF_DATE", default="")

# Traffic light thresholds (DESIGN.md "Health: the traffic light").
# Green: behind by less than GREEN_LAG_BELOW points and no milestone overdue more than
# GREEN_OVERDUE_DAYS_MAX days. Red: behind by more than RED_LAG_ABOVE points, or a milestone
# overdue more than YELLOW_OVERDUE_DAYS_MAX days, or past the planned end. Yellow in between.
MINSHENG_LIGHT = {
    "GREEN_LAG_BELOW": Decimal(env.str("LIGHT_GREEN_LAG_BELOW", default="10")),
    "RED_LAG_ABOVE": Decimal(env.str("LIGHT_RED_LAG_ABOVE", default="25")),
    "GREEN_OVERDUE_DAYS_MAX": env.int("LIGHT_GREEN_OVERDUE_DAYS_MAX", default=7),
    "YELLOW_OVERDUE_DAYS_MAX": env.int("LIGHT_YELLOW_OVERDUE_DAYS_MAX", default=30),
}
# Day of the month by which the month's progress report is due.
MINSHENG_REPORT_DUE_DAY = env.int("REPORT_DUE_DAY", default=25)

# Public feedback (feedback/): limits per client, as "<count>/<m|h|d>" separated by commas.
MINSHENG_COMMENT_RATE = env.str("COMMENT_RATE", default="5/m,20/d")
MINSHENG_RATING_RATE = env.str("RATING_RATE", default="10/m,60/d")
MINSHENG_SUGGESTION_RATE = env.str("SUGGESTION_RATE", default="3/m,10/d")
# Whether every comment waits for the coordinating office (True), or only those with a
# sensitive word (False). A comment with a sensitive word is never published without review.
MINSHENG_COMMENTS_PREMODERATED = env.bool("COMMENTS_PREMODERATED", default=True)
# Working days (Chinese calendar) within which the lead department answers a comment.
MINSHENG_REPLY_WORKING_DAYS = env.int("REPLY_WORKING_DAYS", default=5)
# Working days (Chinese calendar) a change request (调整申请) may wait for the coordinating
# office's decision before the office is reminded of it.
MINSHENG_CHANGE_REVIEW_WORKING_DAYS = env.int("CHANGE_REVIEW_WORKING_DAYS", default=5)
# Where the client's address is read from (minsheng/clientip.py): the header a reverse proxy
# sets (e.g. HTTP_X_REAL_IP), believed only from the proxies in TRUSTED_PROXIES (addresses or
# networks, e.g. "172.30.80.0/24"); from any other address, and by default, the socket address
# REMOTE_ADDR. Only a salted hash of it is ever stored with feedback.
MINSHENG_CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="REMOTE_ADDR")
MINSHENG_TRUSTED_PROXIES = [
    str(network) for network in parse_networks(env.list("TRUSTED_PROXIES", default=[]))
]
MINSHENG_CLIENT_HASH_SALT = env.str("CLIENT_HASH_SALT", default="") or SECRET_KEY

# Deadline reminders (notifications/, README "Reminders").
# The class that sends text messages; the console backend writes them to the log.
MINSHENG_SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.sms.ConsoleSmsBackend")
# Days before a milestone's planned date on which its lead department's reporters are reminded.
MINSHENG_MILESTONE_DUE_DAYS = (7, 3, 1)
# An overdue milestone is notified on its first day overdue and then every this many days;
# from ESCALATE_DAYS overdue on, the coordinating office is told as well.
MINSHENG_OVERDUE_REPEAT_DAYS = 7
MINSHENG_OVERDUE_ESCALATE_DAYS = env.int("OVERDUE_ESCALATE_DAYS", default=30)
# Days before the monthly report's due day (MINSHENG_REPORT_DUE_DAY) on which it is reminded.
MINSHENG_REPORT_REMINDER_DAYS = env.int("REPORT_REMINDER_DAYS", default=5)
# The weekday (0 = Monday) on which ``send_reminders`` also sends the leadership digest.
MINSHENG_DIGEST_WEEKDAY = env.int("DIGEST_WEEKDAY", default=0)
# A delivery that failed is tried again by later scans (and task retries) up to this many
# times in all; then it is marked as failed for good, for the administration to look into.
MINSHENG_REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=5)
# A reminder claimed by a scan that died before sending it may be claimed again after this.
MINSHENG_REMINDER_CLAIM_TIMEOUT = 15 * 60

# Celery: Redis as the broker when REDIS_URL (or CELERY_BROKER_URL) is set. Without a broker
# (the ``make run`` default) a task runs in the web process once, after the response has been
# sent, and is not retried (minsheng/tasks.py): no request waits for a mail server.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL) or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL.startswith("memory://")
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
# A web request that enqueues a task must not hang when the broker is down or hangs: each
# attempt to publish gives up after BROKER_CONNECT_TIMEOUT seconds to connect and
# BROKER_SOCKET_TIMEOUT seconds for an answer (a worker waits for tasks by polling, which
# these do not cut short).
BROKER_CONNECT_TIMEOUT = env.float("BROKER_CONNECT_TIMEOUT", default=0.25)
BROKER_SOCKET_TIMEOUT = env.float("BROKER_SOCKET_TIMEOUT", default=0.25)
# A task not acknowledged within visibility_timeout seconds is given to another worker;
# retries back off exponentially up to CELERY_RETRY_BACKOFF_MAX, well below it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": BROKER_CONNECT_TIMEOUT,
    "socket_timeout": BROKER_SOCKET_TIMEOUT,
}
CELERY_RETRY_BACKOFF_MAX = 600
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_CONNECT_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# LOG_FORMAT=json writes one JSON object per line (for a log collector); every line carries
# the id of the request that caused it (X-Request-ID).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "minsheng.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "minsheng.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

ADMIN_SITE_HEADER = _("Yuhui District livelihood projects — administration")

# Days an API token stays valid after it is issued; then its holder signs in for a new one.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)

# The REST API (/api/v1/, README "Open data API"). Rates are "<count>/<second|minute|hour|day>".
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a request without credentials is answered 401 with WWW-Authenticate.
        "minsheng.api.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["minsheng.api.permissions.ReadOrStaffWrite"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only, and no deeper than any request needs (a deep body would recurse).
    "DEFAULT_PARSER_CLASSES": ["minsheng.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "minsheng.api.pagination.Pagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "minsheng.api.throttles.AnonThrottle",
        "minsheng.api.throttles.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="120/minute"),
        "user": env.str("API_USER_RATE", default="600/minute"),
        "token": env.str("API_TOKEN_RATE", default="10/minute"),
    },
    "EXCEPTION_HANDLER": "minsheng.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "minsheng.api.schema.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "禹会区民生实事开放数据接口 / Yuhui District livelihood projects open data API",
    "DESCRIPTION": (
        "公开数据（年度方案、领域、责任单位、区域、项目、节点、指标、已审核的进度报告、群众留言及答复、"
        "满意度）任何人可读；责任单位工作人员凭令牌或登录会话填报进度。错误统一为 "
        '{"code", "message", "fields"}。 / '
        "Public data (plans, categories, departments, areas, projects, milestones, indicators, "
        "approved progress reports, comments with answers, satisfaction) is open to all; "
        "department staff report progress with a token or a signed-in session. Every error "
        'has the shape {"code", "message", "fields"}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "projects.choices.ProjectStatus",
        "LightEnum": "projects.choices.Light",
        "ReportStateEnum": "projects.choices.ReportState",
        "FundingSourceEnum": "projects.choices.FundingSource",
        "AttachmentKindEnum": "projects.choices.AttachmentKind",
        "DepartmentKindEnum": "departments.choices.DepartmentKind",
        "AreaKindEnum": "departments.choices.AreaKind",
    },
}
