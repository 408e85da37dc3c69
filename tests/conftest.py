import pytest

from tests.support import defaults

# Fixtures that several test modules share (no test module imports another).
pytest_plugins = ["tests.support.api", "tests.support.spreadsheets"]


def pytest_configure(config):
    """On pytest-xdist's workers (``make test``), a Redis database of the worker's own."""
    from tests.support.parallel import give_this_worker_its_own_redis_database

    give_this_worker_its_own_redis_database()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fixed_today(settings):
    """Tests judge lights on a fixed date in the middle of the 2024 plan unless they say otherwise."""
    settings.MINSHENG_AS_OF_DATE = defaults.AS_OF_DATE


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing a password the production way takes a good part of a second; tests need not."""
    settings.PASSWORD_HASHERS = defaults.PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: pages cached by one test never answer another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's default language, whatever a previous request chose."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request):
    """Tasks run in the test's process (after commit), whatever broker the environment names.

    A test about the broker itself asks for the real thing with ``@pytest.mark.broker``.
    """
    from minsheng.celery import app

    if request.node.get_closest_marker("broker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _login_lockout_off(settings):
    """Tests sign in and fail to sign in freely; the lockout tests ask for ``login_lockout``."""
    settings.AXES_ENABLED = False


@pytest.fixture
def login_lockout(settings, _login_lockout_off):
    """Staff sign-in lockout as in production: 5 failures, 30 minutes' cool-off."""
    from datetime import timedelta

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    return settings
