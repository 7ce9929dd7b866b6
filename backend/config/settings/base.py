"""Hearth's settings, read from the environment.

With no variables set this is the embedded default: a SQLite file, Celery
tasks run in-process, email printed to the console, media on local disk.
Setting DATABASE_URL, CELERY_BROKER_URL, CACHE_URL and EMAIL_HOST gives the full mode.
Every variable is documented in .env.example.
"""

import re
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.csp import CSP

from config.env import env_bool, env_int, env_list, env_str

django_stubs_ext.monkeypatch()

BACKEND_DIR = Path(__file__).resolve().parent.parent.parent
BASE_DIR = BACKEND_DIR.parent
VAR_DIR = Path(env_str("HEARTH_VAR_DIR", str(BASE_DIR / "var")))

# Only the local overlay supplies a default key; production refuses to start without one.
SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pgtrigger",
    "pghistory",
    "core.apps.CoreConfig",
    "accounts",
    "provisioning",
    "training",
    "competencies",
    "compliance",
    "notifications",
    "certificates",
    "audit.apps.AuditConfig",
    "reporting",
    "privacy.apps.PrivacyConfig",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.unavailable.DependencyUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.audit.AuditContextMiddleware",
    "core.cache_control.PrivateNoStoreMiddleware",
    "core.request_size.RequestSizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "accounts.second_factor.SecondFactorMiddleware",
    "core.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hearth.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several requests at once (runserver is threaded): take
    # the write lock when a transaction starts and wait for it, rather than failing with
    # "database is locked" part-way through; WAL lets reads go on during a write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# Sign-in throttling: lock a username from one address after repeated failures.
# Locking by address alone would shut out a whole hospital behind one NAT (ADR 0003).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"

# Second factor (docs/adr/0023): TOTP through django-otp; its own throttling refuses a code
# for 1, 2, 4, 8 ... seconds after each wrong one in a row (per device).
OTP_TOTP_ISSUER = "Hearth"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
SECOND_FACTOR_REMEMBER_DAYS = 30
SECOND_FACTOR_REMEMBER_COOKIE_SECURE = False
# The client address comes from django-ipware. Each reverse proxy in front of Hearth
# appends the address it received the request from to X-Forwarded-For, and the last
# proxy is itself REMOTE_ADDR, so with N proxies the client is the N-th entry from
# the right. python-ipware counts only the proxies listed in the header (N - 1); not
# strict, so addresses a client puts in the header itself are skipped, not trusted.
# With no proxy only REMOTE_ADDR is read: the header would be the client's own claim.
# REVERSE_PROXY_COUNT is also read by the /verify/ rate limit (certificates.throttling).
REVERSE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
if REVERSE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER: tuple[str, ...] = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT: int | None = REVERSE_PROXY_COUNT - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
IPWARE_STRICT = False

# Steps run, in order, inside the transaction that completes a module (training.completion).
HEARTH_COMPLETION_STEPS: list[str] = [
    "competencies.services.award_for_completion",
    "certificates.services.certificate_create_for_completion",
]
# The read training's pages use to link an enrolment's certificate (training.selectors).
HEARTH_CERTIFICATE_LOOKUP = "certificates.selectors.current_certificates_by_enrolment"
# A competency held is "expiring soon" this many days before its last valid day.
HEARTH_EXPIRING_SOON_DAYS = 60
# Partnership figures show a count below this as suppressed (ADR 0008).
HEARTH_SMALL_NUMBER_THRESHOLD = env_int("HEARTH_SMALL_NUMBER_THRESHOLD", 5)
# Overdue training is escalated to the learner's manager after this many days.
HEARTH_ESCALATION_DAYS = env_int("HEARTH_ESCALATION_DAYS", 7)

# Certificates (ADR 0006): the number's prefix (HRTH-2026-7KQ4-M2XP), and a test-only hook
# that slows a render so a test can kill a worker mid-render (leave it unset: 0).
CERTIFICATE_NUMBER_PREFIX = env_str("CERTIFICATE_NUMBER_PREFIX", "HRTH")
if not re.fullmatch(r"[A-Z]{2,6}", CERTIFICATE_NUMBER_PREFIX):
    raise ValueError("CERTIFICATE_NUMBER_PREFIX must be 2 to 6 capital letters, e.g. HRTH")
CERTIFICATE_TEST_RENDER_DELAY = float(env_str("CERTIFICATE_TEST_RENDER_DELAY", "0") or 0)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# The largest request body accepted, files included (core.request_size): a larger
# one is refused before any of it is read. Evidence files are at most 10 MB.
HEARTH_REQUEST_MAX_BYTES = env_int("HEARTH_REQUEST_MAX_BYTES", 12 * 1024 * 1024)
# Form fields (not files) held in memory, and files kept in memory rather than
# streamed to a temporary file: Django's defaults, stated.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Email (Django 6.1 MAILERS): SMTP when EMAIL_HOST is set, else printed to the console.
SMTP_HOST = env_str("EMAIL_HOST")
SMTP_OPTIONS = {
    "host": SMTP_HOST,
    "port": env_int("EMAIL_PORT", 25),
    "username": env_str("EMAIL_HOST_USER"),
    "password": env_str("EMAIL_HOST_PASSWORD"),
    "use_tls": env_bool("EMAIL_USE_TLS", False),
    "timeout": env_int("EMAIL_TIMEOUT", 30),
}
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": SMTP_OPTIONS,
    }
    if SMTP_HOST
    else {"BACKEND": env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Hearth <hearth@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Cache: the /verify/ rate limit counts in it, so every web process must share it. Full
# mode keeps it in Redis (CACHE_URL); unset, each process has its own (embedded default).
CACHE_URL = env_str("CACHE_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "hearth",
    }
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Celery: with no broker, tasks run in-process (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
# kombu's Redis transport with one fix, so a worker survives Redis going away while it runs
# a job (worker/transport.py; banners and logs name it where they said redis://).
CELERY_BROKER_TRANSPORT = (
    "worker.transport:Transport" if CELERY_BROKER_URL.startswith("redis://") else None
)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 180)
# Redis hands a job a worker took but never acknowledged (the worker was killed) to
# another worker after the visibility timeout. It must exceed the longest task plus its
# longest retry countdown (worker/checks.py warns if not), and be short enough that a
# killed worker's jobs run again within minutes: the hard time limit, the retry countdown
# cap every task keeps to, and a margin (ADR 0015).
CELERY_RETRY_COUNTDOWN_MAX = 300
CELERY_VISIBILITY_TIMEOUT = env_int(
    "CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + CELERY_RETRY_COUNTDOWN_MAX + 120
)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
# Background jobs are recorded in the database and sent by a relay every
# HEARTH_JOB_RELAY_INTERVAL seconds (ADR 0016). A sent job unheard of for HEARTH_JOB_LEASE
# seconds was lost (after Redis's own redelivery of a killed worker's job) and is sent
# again. A failed attempt is retried after HEARTH_JOB_RETRY_BASE seconds, doubling to
# HEARTH_JOB_RETRY_MAX, HEARTH_JOB_MAX_ATTEMPTS times in all (about seven and a half hours
# with the defaults), then an org admin's retry button takes over.
HEARTH_JOB_RELAY_INTERVAL = env_int("HEARTH_JOB_RELAY_INTERVAL", 60)
HEARTH_JOB_LEASE = env_int(
    "HEARTH_JOB_LEASE", CELERY_VISIBILITY_TIMEOUT + HEARTH_JOB_RELAY_INTERVAL
)
HEARTH_JOB_RETRY_BASE = env_int("HEARTH_JOB_RETRY_BASE", 30)
HEARTH_JOB_RETRY_MAX = env_int("HEARTH_JOB_RETRY_MAX", 1800)
HEARTH_JOB_MAX_ATTEMPTS = env_int("HEARTH_JOB_MAX_ATTEMPTS", 20)
HEARTH_JOB_KEEP_DAYS = env_int("HEARTH_JOB_KEEP_DAYS", 30)
# A request that enqueues a job must not hang on a broker that is down (core/jobs.py).
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 2)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "hearth")
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.OrganisationAPIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # In order: signed in (401), a read-only key never writes (403), ids in the URL are
    # whole numbers in range (400); each before the view runs any query.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.permissions.KeyScopeAllowsWrite",
        "core.permissions.ValidPathIds",
        # Last: claims an Idempotency-Key, or answers with the response kept for it.
        "core.idempotency.IdempotencyKeyPermission",
    ],
    # The API reads JSON; only the operations that take a file add multipart.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["core.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute", "verify": "30/minute"},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hearth API",
    "DESCRIPTION": (
        "Training and competency records for the housing, health and social care workforce. "
        "Authenticate with a session or an organisation API key sent as "
        "`Authorization: Api-Key <key>`; never put a key in a URL. In these docs, choose "
        "Authorize and enter `Api-Key <key>`, or sign in to Hearth first and Try it out "
        "with your session."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No validator badge: it would load an image from swagger.io, which the CSP refuses.
    # No syntax colouring: its themes' colours fail WCAG contrast on their dark panels.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "syntaxHighlight": False},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # core.ids.IdConverter: ids in API paths (core.openapi adds their range).
    "PATH_CONVERTER_OVERRIDES": {"id": int},
    "ENUM_NAME_OVERRIDES": {
        "EnrolmentStatusEnum": "training.models.EnrolmentStatus",
        "CompetencyStateEnum": "competencies.states.State",
        "QuestionKindEnum": "training.models.QuestionKind",
        "ReminderKindEnum": "notifications.models.Kind",
        "ReminderStatusEnum": "notifications.models.Status",
        "CertificateStatusEnum": "certificates.models.CertificateStatus",
        "ReportStatusEnum": "reporting.models.ReportStatus",
        # The role variants of membership and invitation requests (accounts.serializers).
        "RoleEnum": "accounts.models.Role",
        "TeamRoleEnum": ["learner", "manager"],
        "AssessorRoleEnum": ["assessor"],
        "OrgAdminRoleEnum": ["org_admin"],
        "MembershipStatusEnum": "accounts.models.MembershipStatus",
        "EnrolmentSourceEnum": "training.models.EnrolmentSource",
        "ErasureSourceEnum": "privacy.models.ErasureSource",
        "ErasureStatusEnum": "privacy.models.ErasureStatus",
        "ExportStatusEnum": "privacy.models.ExportStatus",
    },
}

# Content Security Policy (Django's built-in): nothing inline, nothing remote.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
