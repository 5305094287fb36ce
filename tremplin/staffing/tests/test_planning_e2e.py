"""A coordinator builds a rotation, sees a conflict before and after saving, and fixes it — in Chromium."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tremplin.core.roles import Role
from tremplin.core.tests.e2e_fixtures import DESKTOP, TABLET, axe_check, sign_in, sign_in_with_code
from tremplin.staffing.models import MediatorProfile, Rotation
from tremplin.territory.tests.factories import SiteFactory

from .factories import ContractFactory, ContractSiteFactory, RotationFactory

pytestmark = pytest.mark.e2e

TOUCH = 44


@pytest.fixture
def contract(tenant_a):
    """This year's contract with two sites; the mediator is at the first one on Mondays 9:00-12:00."""
    year = timezone.localdate().year
    contract = ContractFactory(
        operator=tenant_a.operator,
        reference="CTR-E2E",
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
    )
    ContractSiteFactory(contract=contract, site=tenant_a.site, weekly_minutes=6 * 60)
    annexe = SiteFactory(commune=tenant_a.site.commune, name="Agence postale de Molinet")
    ContractSiteFactory(contract=contract, site=annexe, weekly_minutes=6 * 60)
    mediator = MediatorProfile.objects.create(
        user=tenant_a.members[Role.MEDIATOR].user, operator=tenant_a.operator
    )
    RotationFactory(contract=contract, mediator=mediator, site=tenant_a.site)
    return contract


@pytest.mark.parametrize("viewport", [DESKTOP, TABLET], ids=["desktop", "tablet-768"])
def test_a_coordinator_sees_and_fixes_a_conflict(new_page, tenant_a, contract, viewport):
    page = new_page(viewport=viewport, has_touch=viewport == TABLET)
    sign_in_with_code(page, tenant_a.members[Role.COORDINATOR].user)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Contrats").click()
    page.get_by_role("link", name="CTR-E2E — Médiation numérique en bureau de poste").click()
    page.get_by_role("link", name="Planning des présences").click()
    expect(page.get_by_test_id("plan-conflicts")).to_contain_text("Aucun conflit")
    axe_check(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"

    form = page.locator("#ajouter form")
    mediator_name = str(MediatorProfile.objects.get())
    form.get_by_label("Médiateur").select_option(label=mediator_name)
    form.get_by_label("Site").select_option(label="Agence postale de Molinet — Ville 03 (03)")
    form.get_by_label("Jour").select_option(label="lundi")
    form.locator('input[name="starts_at"]').fill("10:00")
    form.locator('input[name="ends_at"]').fill("11:30")

    # Before saving: the check says what this presence would create.
    check = page.get_by_test_id("conflict-check")
    expect(check).to_contain_text("Cette présence créerait un conflit")
    expect(check).to_contain_text("Double réservation")
    assert Rotation.objects.count() == 1
    axe_check(page)

    page.get_by_role("button", name="Ajouter la présence").click()
    expect(page.get_by_role("status").first).to_contain_text("Présence ajoutée.")
    expect(page.get_by_test_id("plan-conflicts")).to_contain_text("1 conflit dans le planning")
    added = Rotation.objects.exclude(site=tenant_a.site).get()
    expect(page.locator(f"#presence-{added.pk}")).to_contain_text("Conflit")
    small = page.evaluate(
        """(minimum) => [...document.querySelectorAll('main button, main a.button, main select, main input')]
            .filter((el) => el.getClientRects().length > 0 && el.type !== 'hidden')
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([, box]) => box.height < minimum)
            .map(([el, box]) => `${el.name || el.textContent.trim()} ${Math.round(box.height)}px`)""",
        TOUCH,
    )
    assert not small, f"touch targets under {TOUCH}px: {small}"
    axe_check(page)

    page.locator(f"#presence-{added.pk}").get_by_role("link", name="Modifier").click()
    form = page.locator("#ajouter form")
    form.get_by_label("Jour").select_option(label="mardi")
    expect(page.get_by_test_id("conflict-check")).to_contain_text("Pas de conflit")
    page.get_by_role("button", name="Enregistrer la présence").click()

    expect(page.get_by_test_id("plan-conflicts")).to_contain_text("Aucun conflit")
    added.refresh_from_db()
    assert (added.weekday, added.starts_at, added.ends_at) == (1, time(10, 0), time(11, 30))
    assert added.valid_until == contract.ends_on


def test_every_planning_page_passes_axe_and_fits_a_tablet(new_page, tenant_a, contract):
    from tremplin.staffing.models import Absence

    mediator = MediatorProfile.objects.get()
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    Absence.objects.create(
        mediator=mediator, starts_on=monday, ends_on=monday, reason=Absence.Reason.SICKNESS
    )
    page = new_page(viewport=TABLET, has_touch=True)
    sign_in_with_code(page, tenant_a.members[Role.COORDINATOR].user)
    paths = [
        "/contrats/",
        f"/contrats/{contract.pk}/",
        "/contrats/nouveau/",
        f"/contrats/{contract.pk}/modifier/",
        f"/contrats/{contract.pk}/remplacements/",
        "/mediateurs/",
        f"/mediateurs/{mediator.pk}/",
        f"/mediateurs/{mediator.pk}/planning/",
        f"/sites/{tenant_a.site.pk}/planning/",
    ]
    for path in paths:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        axe_check(page)
    expect(page.get_by_role("heading", level=2).first).to_be_visible()

    mediator_page = new_page(viewport=TABLET, has_touch=True)
    sign_in(mediator_page, tenant_a.members[Role.MEDIATOR].user.email)
    mediator_page.get_by_role("link", name="Mon planning").click()
    expect(mediator_page.get_by_role("heading", level=1)).to_have_text("Mon planning")
    axe_check(mediator_page)
