"""A coordinator filters the interaction list by kind in place with htmx, and without JavaScript; axe."""

import re
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tremplin.core.roles import Role
from tremplin.core.tests.e2e_fixtures import TABLET, axe_check, axe_check_twin, sign_in_with_code

from .helpers import record

pytestmark = pytest.mark.e2e

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def records(work_a):
    off_shift = replace(work_a, shift=None)
    for day, kind, minutes in [
        (2, "information_orientation", 10),
        (3, "conflict_prevention", 15),
        (4, "individual_accompaniment", 30),
        (5, "conflict_prevention", 5),
    ]:
        record(off_shift, kind=kind, minutes=minutes, started_at=datetime(2026, 3, day, 10, tzinfo=PARIS))


def _rows(page):
    return page.locator("#interaction-results tbody tr")


def test_a_coordinator_filters_by_kind_in_place(page, tenant_a, records):
    sign_in_with_code(page, tenant_a.members[Role.COORDINATOR].user)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Interactions"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Interactions")
    count = page.get_by_test_id("interaction-count")
    expect(count).to_have_text("4 interactions trouvées")
    expect(page.get_by_test_id("total-duration")).to_have_text("1\u00a0h")
    axe_check(page)
    page.evaluate("window.pasDeRechargement = true")

    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.get_by_label("Type d'action").select_option(label="Prévention des situations conflictuelles")
    expect(count).to_have_text("2 interactions trouvées")
    expect(_rows(page)).to_have_count(2)
    expect(page.get_by_test_id("total-duration")).to_have_text("0\u00a0h\u00a020")
    expect(page).to_have_url(re.compile(r"kind=conflict_prevention"))
    expect(page.get_by_test_id("export-csv")).to_have_attribute(
        "href", re.compile(r"kind=conflict_prevention")
    )
    expect(page.get_by_role("link", name="Ce mois-ci")).to_have_attribute(
        "href", re.compile(r"kind=conflict_prevention")
    )
    assert page.evaluate("window.pasDeRechargement") is True, "the page was reloaded"
    axe_check(page)

    page.get_by_label("Du", exact=True).fill("2026-03-04")
    expect(count).to_have_text("1 interaction trouvée")
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename.startswith("interactions_2026-03-04_")

    page.get_by_role("link", name="Effacer les filtres").click()
    expect(count).to_have_text("4 interactions trouvées")
    expect(page.get_by_label("Type d'action")).to_have_value("")


def test_the_filters_work_without_javascript_on_a_tablet(new_page, tenant_a, records):
    page = new_page(viewport=TABLET, javascript=False)
    sign_in_with_code(page, tenant_a.members[Role.COORDINATOR].user)
    page.goto("/interactions/")
    page.get_by_label("Type d'action").select_option(label="Accompagnement individualisé")
    page.get_by_role("button", name="Filtrer").click()

    expect(page).to_have_url(re.compile(r"kind=individual_accompaniment"))
    expect(page.get_by_test_id("interaction-count")).to_have_text("1 interaction trouvée")
    expect(page.get_by_test_id("total-digital")).to_have_text("100\u00a0%")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    axe_check_twin(page, new_page)

    page.get_by_label("Au", exact=True).fill("2026-02-01")
    page.get_by_label("Du", exact=True).fill("2026-03-01")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_test_id("filter-errors")).to_contain_text(
        "La fin de la période doit suivre son début."
    )
    axe_check_twin(page, new_page)
