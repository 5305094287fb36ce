"""The walk-in queue in Chromium: a mediator on a tablet adds three arrivals, serves one into a recorded
interaction and sends one to the counter, while the office's public screen, open in another browser,
follows within seconds. Both screens pass axe."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tremplin.core.tests.e2e_fixtures import DESKTOP, TABLET, axe_check, sign_in
from tremplin.flow import services
from tremplin.flow.models import State, Visit
from tremplin.mediation.models import Interaction
from tremplin.mediation.tests.helpers import at_work

pytestmark = pytest.mark.e2e

TOUCH = 44
#: The board polls every few seconds; allow for a slow CI machine.
BOARD_MS = 15_000


def assert_suits_a_finger(page):
    small = page.evaluate(
        """(minimum) => [...document.querySelectorAll(
              'main button, main summary, main a.button, main select')]
            .filter((el) => el.getClientRects().length > 0)
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([, box]) => box.width < minimum || box.height < minimum)
            .map(([el, box]) => `${el.textContent.trim()} ${Math.round(box.width)}×${box.height}`)""",
        TOUCH,
    )
    assert not small, f"touch targets under {TOUCH}px: {small}"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def visit_card(page, ticket: str):
    return page.get_by_test_id(f"visit-{ticket}")


def test_a_mediator_runs_the_queue_and_the_public_board_follows(new_page, tenant_a):
    work = at_work(tenant_a)
    board = services.board_rotate(actor=None, site=work.site)

    screen = new_page(viewport=DESKTOP)
    screen.goto(reverse("flow:board", args=[board.secret]))
    expect(screen.get_by_test_id("board-waiting-banking")).to_have_text("0")
    axe_check(screen)

    queue = new_page(viewport=TABLET, has_touch=True)
    sign_in(queue, work.user.email)
    queue.goto(reverse("flow:queue_home"))
    expect(queue).to_have_url(re.compile(rf"/file/sites/{work.site.pk}/$"))
    expect(queue.get_by_role("heading", name="Nouvelle arrivée")).to_be_visible()

    # Three arrivals, one tap each.
    for reason, ticket in (
        ("Banque", "001"),
        ("Retrait d'un colis ou d'une lettre", "002"),
        ("La Poste Mobile", "003"),
    ):
        queue.locator("form.queue-taps").get_by_role("button", name=reason, exact=True).click()
        expect(queue.get_by_role("status")).to_contain_text(f"Ticket {ticket} ajouté à la file")
    expect(queue.get_by_text("3 personnes en attente")).to_be_visible()
    assert Visit.objects.filter(site=work.site, state=State.WAITING).count() == 3
    assert_suits_a_finger(queue)
    axe_check(queue)

    expect(screen.get_by_test_id("board-waiting-banking")).to_have_text("1", timeout=BOARD_MS)
    expect(screen.get_by_test_id("board-waiting-parcel_pickup")).to_have_text("1", timeout=BOARD_MS)

    # « Servir » the first: the record screen opens pre-filled; saving it ends the visit.
    visit_card(queue, "001").get_by_role("button", name="Servir 001").click()
    expect(queue.get_by_role("heading", name="Enregistrer une interaction")).to_be_visible()
    expect(queue.get_by_text("Visite 001 de la file")).to_be_visible()
    expect(queue.locator('input[name="kind"][value="individual_accompaniment"]')).to_be_checked()
    queue.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(queue.get_by_role("status")).to_contain_text("Interaction enregistrée, visite 001 terminée")
    expect(queue.get_by_role("heading", name="Nouvelle arrivée")).to_be_visible()
    served = Visit.objects.get(site=work.site, ticket=1)
    interaction = Interaction.objects.get()
    assert served.state == State.DONE and served.route == "mediator"
    assert served.interaction_id == interaction.pk
    assert interaction.kind == "individual_accompaniment" and interaction.domain == "banking"
    expect(visit_card(queue, "001")).to_have_count(0)

    # The parcel goes to the counter.
    card = visit_card(queue, "002")
    card.get_by_label("Orienter vers (002)").select_option(label="Guichet")
    card.get_by_role("button", name="Orienter 002").click()
    expect(queue.get_by_role("status")).to_contain_text("Ticket 002 orienté : Guichet.")
    routed = Visit.objects.get(site=work.site, ticket=2)
    assert routed.state == State.DONE and routed.route == "counter"

    # The last is called: the board shows the number, and nobody waits for banking or a parcel.
    queue.get_by_role("button", name="Appeler le suivant").click()
    expect(queue.get_by_role("status")).to_contain_text("Ticket 003 appelé.")
    expect(screen.get_by_test_id("board-called")).to_contain_text("003", timeout=BOARD_MS)
    expect(screen.get_by_test_id("board-waiting-banking")).to_have_text("0", timeout=BOARD_MS)
    expect(screen.get_by_test_id("board-waiting-parcel_pickup")).to_have_text("0", timeout=BOARD_MS)
    axe_check(screen)
    axe_check(queue)


def test_the_queue_refreshes_itself_and_works_without_javascript(new_page, tenant_a):
    work = at_work(tenant_a)
    queue = new_page(viewport=TABLET, has_touch=True)
    sign_in(queue, work.user.email)
    queue.goto(reverse("flow:queue", args=[work.site.pk]))
    expect(queue.get_by_text("Personne dans la file pour l'instant.")).to_be_visible()
    services.visit_create(actor=None, operator=work.tenant.operator, site=work.site, reasons=["mobile"])
    expect(visit_card(queue, "001")).to_be_visible(timeout=BOARD_MS)

    plain = new_page(viewport=TABLET, javascript=False)
    sign_in(plain, work.user.email)
    plain.goto(reverse("flow:queue", args=[work.site.pk]))
    plain.locator("form.queue-taps").get_by_role("button", name="Banque", exact=True).click()
    expect(plain.get_by_role("status")).to_contain_text("Ticket 002 ajouté à la file")
    visit_card(plain, "002").get_by_role("button", name="Appeler 002").click()
    expect(plain.get_by_role("status")).to_contain_text("Ticket 002 appelé.")
    assert Visit.objects.get(site=work.site, ticket=2).state == State.CALLED
