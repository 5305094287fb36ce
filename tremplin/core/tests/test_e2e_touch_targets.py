"""Pages of every app on a phone or a tablet: each control a finger aims at is at least 44 px high, and
nothing scrolls sideways (WCAG 2.5.5), with an axe scan of each page."""

import pytest
from django.urls import reverse

from tremplin.core.roles import Role
from tremplin.core.tests.e2e_fixtures import TABLET, axe_check, sign_in_with_code
from tremplin.mediation.tests.helpers import at_work
from tremplin.workshops.tests.helpers import schedule

pytestmark = pytest.mark.e2e

TOUCH = 44
PHONE = {"width": 390, "height": 844}
#: What a finger aims at. Links inside running text (a sentence) are exempt, as WCAG allows.
TARGETS = "main a:not(p a):not(li.inline a), main button, main select, main input:not([type=hidden])"


def small_targets(page) -> list[str]:
    return page.evaluate(
        """([selector, minimum]) => [...document.querySelectorAll(selector)]
            .filter((el) => el.getClientRects().length > 0)
            .filter((el) => !['checkbox', 'radio'].includes(el.type))
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([, box]) => box.height < minimum)
            .map(([el, box]) => `${el.tagName.toLowerCase()} "${(el.textContent || el.name).trim()}" `
                + `${Math.round(box.height)}px`)""",
        [TARGETS, TOUCH],
    )


def assert_suits_a_finger(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"
    small = small_targets(page)
    assert not small, f"touch targets under {TOUCH}px on {page.url}: {small}"
    axe_check(page)


def test_the_public_agenda_suits_a_phone(new_page, tenant_a):
    work = at_work(tenant_a)
    session = schedule(work)
    page = new_page(viewport=PHONE, has_touch=True)
    for url in (
        reverse("workshops:agenda"),
        reverse("workshops:agenda_site", args=[work.site.pk]),
        reverse("workshops:public_session", args=[session.pk]),
    ):
        page.goto(url)
        assert_suits_a_finger(page)


def test_statistics_and_the_contract_report_suit_a_tablet(new_page, tenant_a):
    from tremplin.staffing.tests.factories import ContractFactory, ContractSiteFactory

    work = at_work(tenant_a)
    contract = ContractFactory(operator=tenant_a.operator, reference="CTR-TOUCH")
    ContractSiteFactory(contract=contract, site=work.site)
    page = new_page(viewport=TABLET, has_touch=True)
    sign_in_with_code(page, tenant_a.members[Role.COORDINATOR].user)
    for url in (
        reverse("reporting:dashboard"),
        reverse("reporting:scope", args=["site", work.site.pk]),
        reverse("reporting:contract_report", args=[contract.pk]),
        reverse("reporting:objectives"),
        reverse("workshops:programme"),
    ):
        page.goto(url)
        assert_suits_a_finger(page)
