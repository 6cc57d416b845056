"""A URL that fails, to see the 500 page through the whole middleware stack."""

from django.urls import path

from exchange.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("deliberately broken view for the 500 page test")


urlpatterns = [*site_urlpatterns, path("kapot/", broken)]
handler500 = "exchange.views.server_error"
