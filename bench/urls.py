"""The product's URLs plus views to compare the public pages with.

``/bench/bare/`` is a tiny page through the same middleware. For a project page ``P``
(``/projects/`` or ``/projects/<id>/``), ``/bench/sql/?path=P`` replays the SQL statements
its view runs over a plain cursor (the database's share alone: no ORM, no template) and
``/bench/template/?path=P`` renders its template again with the context its view built once
(the template's share alone: no query). Neither uses the page cache.
"""

from unittest import mock

from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path

from minsheng.urls import handler404, handler500
from minsheng.urls import urlpatterns as product_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]

# Each measured page's statements and template context, captured once per worker.
_statements: dict[str, list[str]] = {}
_templates: dict[str, tuple[str, dict]] = {}


def bare(request):
    """What the framework and middleware alone cost: no template, no query, no cache."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def _capture(page: str) -> None:
    """Request the page once in this worker, keeping its SQL and its template and context.

    The SQL with its parameters bound, as the server was sent it. The server measured with
    these views runs with the page cache off (``BENCH_CACHE=off``): the view does all its work.
    """
    rendered = []

    def keep(request, template_name, context=None, *args, **kwargs):
        rendered.append((template_name, context))
        return render(request, template_name, context, *args, **kwargs)

    client = Client(HTTP_HOST="127.0.0.1")
    with CaptureQueriesContext(connection) as captured, mock.patch("projects.views.render", keep):
        response = client.get(page)
    if response.get("X-Page-Cache") == "hit":
        raise ValueError(f"{page} came from the page cache: run the server with BENCH_CACHE=off")
    if response.status_code != 200 or len(rendered) != 1:
        raise ValueError(f"{page} answered {response.status_code}")
    _statements[page] = [query["sql"] for query in captured.captured_queries]
    _templates[page] = rendered[0]


def _page(request) -> str | None:
    page = request.GET.get("path", "")
    if not page.startswith("/projects/"):
        return None
    if page not in _statements:
        _capture(page)
    return page


def sql_only(request):
    """Run the statements of ``?path=`` one after another, as the page does, and answer "ok"."""
    page = _page(request)
    if page is None:
        return HttpResponseBadRequest("path must be a public project page")
    with connection.cursor() as cursor:
        for statement in _statements[page]:
            cursor.execute(statement)
            cursor.fetchall()
    return HttpResponse(
        f"ok: {len(_statements[page])} statements", content_type="text/plain; charset=utf-8"
    )


def template_only(request):
    """Render the template of ``?path=`` with the context its view built on the first request.

    The context's rows, counts and related objects were read then; rendering runs no query
    (``tests/test_bench_pages.py`` checks that).
    """
    page = _page(request)
    if page is None:
        return HttpResponseBadRequest("path must be a public project page")
    template_name, context = _templates[page]
    return render(request, template_name, context)


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/sql/", sql_only),
    path("bench/template/", template_only),
    *product_urlpatterns,
]
