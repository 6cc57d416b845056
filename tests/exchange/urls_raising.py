"""A URL that fails, to see the 500 page through the whole middleware stack."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from exchange.urls import urlpatterns as site_urlpatterns


@login_not_required
def broken(request):
    raise RuntimeError("deliberately broken view for the 500 page test")


urlpatterns = [*site_urlpatterns, path("kapot/", broken)]
handler500 = "exchange.views.server_error"
