from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmarks' management commands (``manage.py bench_data``); no models."""

    name = "bench"
    verbose_name = "Benchmarks"
