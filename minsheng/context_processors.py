from django.conf import settings


def site(request):
    """Site-wide names and footer lines for every template."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_ORGANISER": settings.SITE_ORGANISER,
        "SITE_CONTACT_PHONE": settings.SITE_CONTACT_PHONE,
        "SITE_IDENTIFIER": settings.SITE_IDENTIFIER,
        "SITE_ICP": settings.SITE_ICP,
    }
