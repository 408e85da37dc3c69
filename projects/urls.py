from django.conf import settings
from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="list"),
    path("projects/<int:pk>/", views.project_detail, name="detail"),
    path("accessibility/", views.accessibility, name="accessibility"),
    # Uploaded files are served here, not as static files: who may see one depends on it.
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:path>",
        views.attachment_file,
        name="attachment-file",
    ),
]
