# The app's image: gunicorn serving the Django app, WhiteNoise serving the hashed static files.
# The same image runs the web processes, the one-off `migrate` and the worker (compose.yaml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000

# pg_dump/pg_restore for `manage.py backup` (Debian 12's client is PostgreSQL 15, as in
# compose.yaml); tzdata for the worker's local hours.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends postgresql-client tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 --user-group app

WORKDIR /app

# Exactly the locked versions, each checked against its hash; a changed package fails the build.
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes --no-deps -r requirements/base.txt

COPY . .

# Hashed, compressed static files at build time. The secret exists only for this step: settings
# refuse to start without one in production mode, and collectstatic signs nothing.
RUN DJANGO_DEBUG=false \
    DJANGO_SECRET_KEY=build-time-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    DJANGO_SITE_URL=https://build.invalid \
    python manage.py collectstatic --no-input

USER app

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "scripts/healthcheck.py"]

CMD ["scripts/start-web.sh"]
