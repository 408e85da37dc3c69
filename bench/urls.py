"""The product's URLs plus ``/bench/bare/``: a tiny page through the same middleware."""

from django.http import HttpResponse
from django.urls import path

from minsheng.urls import handler404, handler500
from minsheng.urls import urlpatterns as product_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def bare(request):
    """What the framework and middleware alone cost: no template, no query, no cache."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/bare/", bare), *product_urlpatterns]
