"""Public feedback pages: comments, satisfaction ratings and proposals for next year.

Forms post here and come back with a redirect to a confirmation page, so reloading never
sends twice. A form with an error is shown again with everything the resident typed; a
client over its rate limit gets the same, with HTTP 429. Pages that carry a form stay
cacheable: their CSRF field is filled per visitor (``minsheng.cache``).
"""

from __future__ import annotations

import logging

from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from minsheng.cache import public_page
from minsheng.paging import page_numbers
from minsheng.services import ServiceError
from projects import selectors as project_selectors
from projects.models import Category

from . import selectors, services
from .clients import client_hash, remember_visitor, visitor_hash, visitor_token
from .forms import CommentForm, RatingForm, SuggestionForm
from .services import RateLimited

logger = logging.getLogger(__name__)

COMMENTS_PAGE_SIZE = 20
SUGGESTIONS_PAGE_SIZE = 10


def _page(request, queryset, size):
    paginator = Paginator(queryset, size)
    page = paginator.get_page(request.GET.get("page"))
    return page, page_numbers(page)


def _refused(request, template, context, error: ServiceError):
    """Show the form again with the reason; 429 for a rate limit, 400 otherwise."""
    context["refusal"] = " ".join(error.messages)
    status = 429 if isinstance(error, RateLimited) else 400
    return render(request, template, context, status=status)


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def project_comments(request, pk):
    """All published comments of a project, and the comment form (which posts here)."""
    project = project_selectors.public_project(pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            if form.is_spam():
                logger.info("honeypot filled on comments of project %s", project.pk)
                return HttpResponseRedirect(reverse("feedback:comment-sent", args=[project.pk]))
            try:
                comment = services.comment_create(
                    project=project,
                    nickname=form.cleaned_data["nickname"],
                    contact=form.cleaned_data["contact"],
                    body=form.cleaned_data["body"],
                    client_hash=client_hash(request),
                )
            except ServiceError as error:
                return _refused(
                    request,
                    "feedback/comments.html",
                    _comments_context(request, project, form),
                    error,
                )
            target = reverse("feedback:comment-sent", args=[project.pk])
            if comment.state == "published":
                target += "?published=1"
            return HttpResponseRedirect(target)
        return render(
            request, "feedback/comments.html", _comments_context(request, project, form), status=400
        )
    return render(request, "feedback/comments.html", _comments_context(request, project, None))


def _comments_context(request, project, form):
    page, page_range = _page(request, selectors.public_comments(project.pk), COMMENTS_PAGE_SIZE)
    return {
        "project": project,
        "comments": page.object_list,
        "page": page,
        "page_range": page_range,
        "comment_form": form,
    }


@require_GET
def comment_sent(request, pk):
    project = project_selectors.public_project(pk)
    return render(
        request,
        "feedback/sent.html",
        {
            "project": project,
            "kind": "comment",
            "published": request.GET.get("published") == "1",
        },
    )


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def project_rating(request, pk):
    """The satisfaction widget on its own page; the project page's widget posts here."""
    project = project_selectors.public_project(pk)
    form = RatingForm(request.POST or None)
    context = {"project": project, "rating_form": form}
    if request.method == "POST":
        if not form.is_valid():
            context["satisfaction"] = selectors.project_satisfaction(project.pk)
            return render(request, "feedback/rating.html", context, status=400)
        response = HttpResponseRedirect(reverse("feedback:rating-sent", args=[project.pk]))
        if form.is_spam():
            logger.info("honeypot filled on rating of project %s", project.pk)
            return response
        token, new_visitor = visitor_token(request)
        try:
            services.rating_submit(
                project=project,
                level=form.cleaned_data["level"],
                remark=form.cleaned_data["remark"],
                visitor_hash=visitor_hash(token),
                client_hash=client_hash(request),
            )
        except ServiceError as error:
            context["satisfaction"] = selectors.project_satisfaction(project.pk)
            return _refused(request, "feedback/rating.html", context, error)
        if new_visitor:
            remember_visitor(response, token)
        return response
    context["rating_form"] = None
    context["satisfaction"] = selectors.project_satisfaction(project.pk)
    return render(request, "feedback/rating.html", context)


@require_GET
def rating_sent(request, pk):
    project = project_selectors.public_project(pk)
    return render(
        request,
        "feedback/sent.html",
        {
            "project": project,
            "kind": "rating",
            "satisfaction": selectors.project_satisfaction(project.pk),
        },
    )


def _suggestion_categories():
    return Category.objects.order_by("order", "code")


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def suggestions(request):
    """Propose a project for next year; read the proposals that have been answered."""
    categories = _suggestion_categories()
    form = SuggestionForm(request.POST or None, categories=categories)
    page, page_range = _page(request, selectors.answered_suggestions(), SUGGESTIONS_PAGE_SIZE)
    context = {
        "suggestion_form": form if request.method == "POST" else None,
        "categories": categories,
        "areas": form.fields["area"].queryset,
        "suggestions": page.object_list,
        "page": page,
        "page_range": page_range,
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "feedback/suggestions.html", context, status=400)
        if form.is_spam():
            logger.info("honeypot filled on suggestions")
            return HttpResponseRedirect(reverse("feedback:suggestion-sent"))
        try:
            services.suggestion_create(
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                category=form.cleaned_data["category"],
                area=form.cleaned_data["area"],
                nickname=form.cleaned_data["nickname"],
                contact=form.cleaned_data["contact"],
                client_hash=client_hash(request),
            )
        except ServiceError as error:
            return _refused(request, "feedback/suggestions.html", context, error)
        return HttpResponseRedirect(reverse("feedback:suggestion-sent"))
    return render(request, "feedback/suggestions.html", context)


@require_GET
def suggestion_sent(request):
    return render(request, "feedback/sent.html", {"kind": "suggestion"})
