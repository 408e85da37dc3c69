"""Addresses under /api/: the v1 root and each app's endpoints, the schema and its docs."""

from django.urls import include, path, re_path

from . import views

urlpatterns = [
    path("v1/", views.ApiRootView.as_view(), name="api-root"),
    path("v1/auth/token/", views.TokenView.as_view(), name="api-token"),
    path("v1/", include("projects.api.urls")),
    path("v1/", include("projects.api.department_urls")),
    path("v1/", include("feedback.api.urls")),
    path("schema/", views.SchemaView.as_view(), name="api-schema"),
    path("docs/", views.DocsView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^(?P<path>.*)$", views.not_found),
]
