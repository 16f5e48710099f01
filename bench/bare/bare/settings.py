"""A minimal Django project: the framework's floor for one JSON write on this machine.

No middleware, no sessions, no templates: one view that parses JSON and inserts one
row in a transaction, on the same PostgreSQL as the platform (``BARE_DATABASE_URL``).
"""

import os

import dj_database_url

SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["bare"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bare.urls"
WSGI_APPLICATION = "bare.wsgi.application"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["BARE_DATABASE_URL"],
        conn_max_age=int(os.environ.get("GOODGOV_DB_CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Asia/Bangkok"
