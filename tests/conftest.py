import pytest
from django.core.management import call_command

from partnerships.models import Area
from tests.browser import *  # noqa: F403  (browser fixtures for every test module)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real ONS areas and the places in them once into the test database; each
    test rolls back on top."""
    with django_db_blocker.unblock():
        call_command("load_areas", verbosity=0, stdout=open("/dev/null", "w"))
        call_command("load_places", verbosity=0, stdout=open("/dev/null", "w"))


@pytest.fixture
def areas(db):
    """The real areas, also for transactional tests that flush the database."""
    if not Area.objects.exists():
        call_command("load_areas", stdout=open("/dev/null", "w"))
    return Area.objects.all()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached pages, as a fresh server would. With Redis (REDIS_URL)
    only this run's keys go (its CACHE_KEY_PREFIX), so runs sharing a Redis keep theirs."""
    from tests.cache_backend import empty

    empty()


@pytest.fixture(autouse=True)
def data_packages_apart(settings, tmp_path_factory):
    """Each test builds its data packages (/data/) in a folder of its own."""
    settings.DATA_PACKAGE_DIR = str(tmp_path_factory.mktemp("data-package"))
    return settings.DATA_PACKAGE_DIR
