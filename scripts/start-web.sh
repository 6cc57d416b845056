#!/bin/sh
# The web container's command: gunicorn on $PORT. Migrations run once, in compose's `migrate`
# service (or by hand: python manage.py migrate), never from several web processes at once.
# No gunicorn access log: the app writes one JSON line per request without the query string
# (sign-in tokens travel there); gunicorn's own log would print it.
set -eu
exec gunicorn exchange.wsgi \
  --bind "0.0.0.0:${PORT:-8000}" \
  --workers "${WEB_CONCURRENCY:-3}" \
  --timeout 30 \
  --graceful-timeout 20 \
  --no-control-socket
