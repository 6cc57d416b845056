"""The health endpoint for load balancers, container health checks and uptime monitors."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 {"status": "ok"} when the database answers a trivial query, else 503.

    No sign-in, no data, never cached; exempt from the HTTPS redirect (settings), so a health
    check over plain HTTP inside the network gets an answer instead of a redirect.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("Health check: the database does not answer: %s", exc)
        return JsonResponse({"status": "error"}, status=503)
    return JsonResponse({"status": "ok"})
