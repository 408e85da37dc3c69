from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import health, views

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = settings.ADMIN_SITE_HEADER

urlpatterns = [
    path("", include("projects.urls")),
    path("", include("feedback.urls")),
    path("departments/", include("projects.department_urls")),
    path("dashboard/", include("dashboard.urls")),
    path("feeds/", include("projects.feed_urls")),
    path("care/<str:state>/", views.care_mode, name="care-mode"),
    path("lang/<str:code>/", views.switch_language, name="switch-language"),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("healthz", health.ready, name="healthz"),
    path("healthz/", health.ready),
    path("healthz/live", health.live, name="healthz-live"),
    path("healthz/live/", health.live),
    path("api/", include("minsheng.api.urls")),  # /api/v1/, /api/schema/, /api/docs/
]

handler404 = "minsheng.views.page_not_found"
handler500 = "minsheng.views.server_error"
