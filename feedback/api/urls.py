from rest_framework.routers import SimpleRouter

from . import views

app_name = "feedback-api"

router = SimpleRouter()
router.register("comments", views.CommentViewSet, basename="comment")
router.register("satisfaction", views.SatisfactionViewSet, basename="satisfaction")

urlpatterns = router.urls
