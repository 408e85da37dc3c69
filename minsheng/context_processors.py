from django.conf import settings

from .views import CARE_COOKIE


def site(request):
    """Site-wide names, footer lines and the visitor's display choices for every template."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_ORGANISER": settings.SITE_ORGANISER,
        "SITE_CONTACT_PHONE": settings.SITE_CONTACT_PHONE,
        "SITE_IDENTIFIER": settings.SITE_IDENTIFIER,
        "SITE_ICP": settings.SITE_ICP,
        "care_mode": request.COOKIES.get(CARE_COOKIE) == "1",
    }
