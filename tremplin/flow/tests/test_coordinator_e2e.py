"""A coordinator in Chromium: from the queue's home to a site's reasons (put in order of frequency), its
public screen and its statistics; each page passes axe, suits a finger on a tablet and reads at 200 %."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tremplin.core.roles import Role
from tremplin.core.tests.e2e_fixtures import TABLET, axe_check, sign_in_with_code
from tremplin.flow import services
from tremplin.flow.models import Board, SiteReason
from tremplin.mediation.tests.helpers import at_work

pytestmark = pytest.mark.e2e

TOUCH = 44
#: 1280 CSS pixels seen at 200 %: the page must fit 640 pixels without scrolling sideways.
ZOOMED = {"width": 640, "height": 800}


def assert_fits(page, *, touch: bool) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"
    if not touch:
        return
    small = page.evaluate(
        """(minimum) => [...document.querySelectorAll('main a, main button, main select, main input')]
            .filter((el) => el.getClientRects().length > 0 && el.type !== 'hidden')
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([el, box]) => (el.type === 'checkbox' ? false : box.height < minimum))
            .map(([el, box]) => `${el.tagName} "${el.textContent.trim()}" ${Math.round(box.height)}`)""",
        TOUCH,
    )
    assert not small, f"touch targets under {TOUCH}px on {page.url}: {small}"


def test_a_coordinator_sets_the_reasons_the_screen_and_reads_the_figures(new_page, tenant_a):
    work = at_work(tenant_a)
    yesterday = timezone.now() - timedelta(days=1)
    for reasons in (["mobile"], ["mobile"], ["banking"]):
        services.visit_create(
            actor=None, operator=tenant_a.operator, site=work.site, reasons=reasons, at=yesterday
        )

    page = new_page(viewport=TABLET, has_touch=True)
    sign_in_with_code(page, tenant_a.members[Role.COORDINATOR].user)
    page.get_by_role("navigation").get_by_role("link", name="File d'attente").click()
    expect(page.get_by_role("heading", name="File d'attente", level=1)).to_be_visible()
    assert_fits(page, touch=True)
    axe_check(page)

    page.get_by_role("link", name=f"Motifs · {work.site.name}").click()
    expect(page.get_by_role("heading", name=f"Motifs de {work.site.name}")).to_be_visible()
    page.get_by_role("button", name="Ranger selon la fréquence des 90 derniers jours").click()
    expect(page.get_by_role("status")).to_contain_text("du plus fréquent au moins fréquent")
    first_two = SiteReason.objects.filter(site=work.site).order_by("position")[:2]
    assert [item.reason for item in first_two] == ["mobile", "banking"]
    assert_fits(page, touch=True)
    axe_check(page)

    page.get_by_role("link", name="Retour à la file").click()
    page.get_by_role("link", name="Écran public de l'accueil").click()
    expect(page.get_by_test_id("board-qr").locator("svg")).to_be_visible()
    address = page.get_by_test_id("board-url").inner_text()
    assert address.endswith(f"/ecran/{Board.objects.get(site=work.site).secret}/")
    axe_check(page)

    page.get_by_role("link", name="Statistiques du site").click()
    page.get_by_label("Du").fill((timezone.localdate() - timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_test_id("stat-visits")).to_have_text("3")
    assert_fits(page, touch=False)
    axe_check(page)

    zoomed = new_page(viewport=ZOOMED, storage_state=page.context.storage_state())
    for url in (
        reverse("flow:queue", args=[work.site.pk]),
        reverse("flow:reasons_edit", args=[work.site.pk]),
        page.url,
    ):
        zoomed.goto(url)
        assert_fits(zoomed, touch=False)
