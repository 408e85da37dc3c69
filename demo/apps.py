from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The sample 2024 plan and its accounts (``manage.py loaddemo``); it owns no models."""

    name = "demo"
    # Never shown: the app has no models and no admin pages (like bench).
    verbose_name = "Demo data"
