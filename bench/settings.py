"""Settings for the page benchmark: the product's settings plus a bare view to compare with.

``BENCH_CACHE=off`` swaps the page cache for Django's ``DummyCache``, so that server
instance renders every page in full (the "uncached" figures).
"""

import os
import warnings

from minsheng.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

if os.environ.get("BENCH_CACHE", "on") == "off":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# The benchmark requests no static file; no collectstatic, so WhiteNoise's folder is absent.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

# The benchmark talks plain HTTP to gunicorn on the loopback, as a TLS proxy would.
SECURE_SSL_REDIRECT = False
