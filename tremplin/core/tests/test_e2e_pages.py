"""Keyboard, tablet and component checks of the shared layout, in a real browser."""

import pytest
from playwright.sync_api import expect

from tremplin.core.roles import Role
from tremplin.core.tests.e2e_fixtures import DESKTOP, TABLET, axe_check, sign_in
from tremplin.territory.tests.factories import SiteFactory

pytestmark = pytest.mark.e2e

#: WCAG 2.5.5: a target at least 44 by 44 CSS pixels, for fingers on a tablet.
TOUCH = 44


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(page, tenant_a):
    sign_in(page, tenant_a.members[Role.MEDIATOR].user.email)

    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the focused skip link must be on screen"
    page.keyboard.press("Enter")
    expect(page.locator("#contenu")).to_be_focused()
    page.keyboard.press("Tab")
    focused_in_main = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused_in_main, "the next Tab stop after the skip must be inside the content"


def _small_targets(page, selector: str) -> list[str]:
    return page.evaluate(
        """([selector, minimum]) => [...document.querySelectorAll(selector)]
            .filter((el) => el.getClientRects().length > 0)
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([, box]) => box.width < minimum || box.height < minimum)
            .map(([el, box]) => `${el.tagName.toLowerCase()} "${el.textContent.trim()}" `
                + `${Math.round(box.width)}×${Math.round(box.height)}`)""",
        [selector, TOUCH],
    )


@pytest.mark.parametrize("path", ["/", "/sites/"])
def test_on_a_tablet_pages_fit_the_width_and_targets_suit_a_finger(tablet_page, tenant_a, path):
    page = tablet_page
    for number in range(8):
        SiteFactory(commune=tenant_a.site.commune, name=f"Agence {number}", has_kiosk=True)
    sign_in(page, tenant_a.members[Role.MEDIATOR].user.email)
    page.goto(path)

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 768px"
    small = _small_targets(
        page,
        ".site-header a, .site-header button, main a, main button, main select, main input",
    )
    assert not small, f"touch targets under {TOUCH}px on {path}: {small}"
    axe_check(page)


@pytest.mark.parametrize("viewport", [DESKTOP, TABLET], ids=["desktop", "tablet"])
def test_the_component_page_passes_axe(new_page, viewport):
    page = new_page(viewport=viewport)
    page.goto("/design/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Composants de l'interface")
    axe_check(page)
