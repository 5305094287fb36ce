"""A mediator starts and ends a shift in one tap each on a tablet and on a phone, in Chromium, with axe."""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tremplin.core.roles import Role
from tremplin.core.tests.e2e_fixtures import TABLET, axe_check, sign_in
from tremplin.staffing import services
from tremplin.staffing.models import MediatorProfile, Shift
from tremplin.staffing.tests.factories import ContractFactory, ContractSiteFactory, RotationFactory
from tremplin.territory.tests.factories import SiteFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
TOUCH = 44


@pytest.fixture
def planned_today(tenant_a):
    """The mediator is planned at the tenant's site all day today, whatever day the tests run."""
    today = timezone.localdate()
    contract = ContractFactory(
        operator=tenant_a.operator, starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=30)
    )
    ContractSiteFactory(contract=contract, site=tenant_a.site)
    other = SiteFactory(commune=tenant_a.site.commune, name="Agence postale communale de Ville 03")
    ContractSiteFactory(contract=contract, site=other)
    mediator = MediatorProfile.objects.create(
        user=tenant_a.members[Role.MEDIATOR].user, operator=tenant_a.operator
    )
    RotationFactory(
        contract=contract,
        mediator=mediator,
        site=tenant_a.site,
        weekday=today.weekday(),
        starts_at=time(0, 0),
        ends_at=time(23, 59),
    )
    return mediator


def assert_fits_and_suits_a_finger(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    small = page.evaluate(
        """(minimum) => [...document.querySelectorAll('main button, main summary, main label.chip--choice')]
            .filter((el) => el.getClientRects().length > 0)
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([, box]) => box.width < minimum || box.height < minimum)
            .map(([el, box]) => `${el.textContent.trim()} ${Math.round(box.width)}×${box.height}`)""",
        TOUCH,
    )
    assert not small, f"touch targets under {TOUCH}px: {small}"


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["tablet-768", "phone-390"])
def test_one_tap_to_start_one_tap_to_end(new_page, tenant_a, planned_today, viewport):
    page = new_page(viewport=viewport, has_touch=True)
    sign_in(page, tenant_a.members[Role.MEDIATOR].user.email)
    page.get_by_role("link", name="Ma permanence").click()

    start = page.get_by_role("button", name="Commencer ma permanence")
    expect(start).to_be_visible()
    expect(page.get_by_role("radio", name=tenant_a.site.name)).to_be_checked()
    assert_fits_and_suits_a_finger(page)
    axe_check(page)

    start.tap()
    end = page.get_by_role("button", name="Terminer ma permanence")
    expect(end).to_be_visible()
    expect(page.get_by_text("Permanence commencée à")).to_be_visible()
    assert Shift.objects.get().is_open
    assert_fits_and_suits_a_finger(page)
    axe_check(page)

    end.tap()
    expect(page.get_by_text("Permanence terminée à")).to_be_visible()
    expect(page.get_by_role("button", name="Commencer ma permanence")).to_be_visible()
    assert not Shift.objects.get().is_open
    expect(page.get_by_test_id("week-total")).to_be_visible()
    axe_check(page)


def test_another_site_is_one_more_tap(new_page, tenant_a, planned_today):
    page = new_page(viewport=PHONE, has_touch=True)
    sign_in(page, tenant_a.members[Role.MEDIATOR].user.email)
    page.goto("/permanence/")
    page.get_by_text("Autre site").tap()
    page.get_by_text("Agence postale communale de Ville 03").tap()
    page.get_by_role("button", name="Commencer ma permanence").tap()
    expect(page.get_by_role("button", name="Terminer ma permanence")).to_be_visible()
    assert Shift.objects.get().site.name == "Agence postale communale de Ville 03"


def test_a_forgotten_shift_asks_for_its_end_first_even_without_javascript(new_page, tenant_a, planned_today):
    started = timezone.now() - timedelta(days=2)
    shift = services.shift_start(actor=None, mediator=planned_today, site=tenant_a.site, at=started)
    page = new_page(viewport=TABLET, has_touch=True, javascript=False)
    sign_in(page, tenant_a.members[Role.MEDIATOR].user.email)
    page.goto("/permanence/")
    expect(page.get_by_role("heading", name="Votre dernière permanence n'a pas été terminée")).to_be_visible()
    expect(page.get_by_role("button", name="Commencer ma permanence")).to_have_count(0)
    local = timezone.localtime(started) + timedelta(hours=2)
    page.get_by_label("Jour de fin").fill(local.date().isoformat())
    page.get_by_label("Heure de fin").fill(local.strftime("%H:%M"))
    page.get_by_role("button", name="Enregistrer l'heure de fin").click()
    expect(page.get_by_role("button", name="Commencer ma permanence")).to_be_visible()
    shift.refresh_from_db()
    assert shift.end_was_forgotten and shift.minutes in (119, 120)
