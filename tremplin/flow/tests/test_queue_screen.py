"""The mediator's queue screen: one-tap arrivals, the queue and its waiting times, each action and the
refused ones, « Servir » into the quick-record screen, the reasons catalogue, and who may see what."""

import re
import uuid
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tremplin.core.roles import Role
from tremplin.flow import services
from tremplin.flow.models import SiteReason, State, Visit
from tremplin.mediation.forms import YES
from tremplin.mediation.models import Interaction
from tremplin.mediation.tests.helpers import at_work

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
OPENED = datetime(2026, 3, 9, 10, 0, tzinfo=PARIS)


@pytest.fixture
def clock():
    with time_machine.travel(OPENED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def work(clock, tenant_a):
    """Tenant A's mediator, on shift at tenant A's site since 9:00."""
    return at_work(tenant_a, at=datetime(2026, 3, 9, 9, 0, tzinfo=PARIS))


@pytest.fixture
def mediator(work):
    return work.tenant.client(Role.MEDIATOR)


def queue_url(site) -> str:
    return reverse("flow:queue", args=[site.pk])


def action_url(visit, action) -> str:
    return reverse("flow:visit_action", args=[visit.pk, action])


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def tap(client, site, reason="banking", client_uuid=None):
    """One tap on a reason button: what the page sends."""
    return client.post(
        reverse("flow:visit_add", args=[site.pk]),
        {"client_uuid": str(client_uuid or uuid.uuid4()), "reasons": reason},
        follow=True,
    )


def add(work, *reasons, first_name="", at=None):
    visit, _created = services.visit_create(
        actor=work.user,
        operator=work.tenant.operator,
        site=work.site,
        reasons=list(reasons or ["banking"]),
        first_name=first_name,
        at=at,
    )
    return visit


# ---------------------------------------------------------------------------------------------
# The screen and one-tap arrivals
# ---------------------------------------------------------------------------------------------


def test_queue_home_takes_a_mediator_on_shift_to_the_queue_of_their_site(work, mediator):
    response = mediator.get(reverse("flow:queue_home"))
    assert response.status_code == 302 and response["Location"] == queue_url(work.site)


def test_queue_home_lets_a_coordinator_choose_among_the_contract_sites(work):
    html = html_of(work.tenant.client(Role.COORDINATOR).get(reverse("flow:queue_home")))
    assert work.site.name in html and queue_url(work.site) in html


def test_the_screen_offers_one_big_button_per_reason_in_the_site_order(work, mediator):
    services.site_reasons_ensure(site=work.site)
    SiteReason.objects.filter(site=work.site, reason="banking").update(position=0)
    SiteReason.objects.filter(site=work.site, reason="parcel_pickup").update(position=5)
    SiteReason.objects.filter(site=work.site, reason="other").update(is_active=False)
    html = html_of(mediator.get(queue_url(work.site)))
    taps = html.split('class="queue-taps"')[1].split("</form>")[0]
    buttons = re.findall(r'name="reasons" value="(\w+)"', taps)
    assert buttons[0] == "banking" and "other" not in buttons and len(buttons) == 8
    assert buttons.index("parcel_pickup") > buttons.index("sending")
    assert "Nouvelle arrivée" in html and "Appeler le suivant" in html
    assert 'hx-trigger="every 5s"' in html


def test_one_tap_adds_one_visit_with_the_next_ticket(work, mediator):
    for reason in ("banking", "mobile", "parcel_pickup"):
        response = tap(mediator, work.site, reason)
    assert [v.ticket for v in Visit.objects.order_by("ticket")] == [1, 2, 3]
    assert messages_of(response) == ["Ticket 003 ajouté à la file : Retrait d'un colis ou d'une lettre."]
    visit = Visit.objects.get(ticket=2)
    assert [r.reason for r in visit.reasons.all()] == ["mobile"]
    assert visit.operator == work.tenant.operator and visit.site == work.site
    html = html_of(response)
    assert 'data-testid="visit-001"' in html and "3 personnes en attente" in html


def test_the_same_page_sent_twice_adds_one_visit(work, mediator):
    same = uuid.uuid4()
    tap(mediator, work.site, "banking", same)
    response = tap(mediator, work.site, "banking", same)
    assert Visit.objects.count() == 1
    assert messages_of(response) == [
        "Cette arrivée était déjà enregistrée (ticket 001) : rien n'a été ajouté."
    ]


def test_the_fuller_form_adds_several_reasons_a_first_name_and_a_group(work, mediator):
    response = mediator.post(
        reverse("flow:visit_add", args=[work.site.pk]),
        {
            "client_uuid": str(uuid.uuid4()),
            "reasons": ["banking", "mobile"],
            "first_name": " Léa ",
            "group_size": "2",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.first_name == "Léa" and visit.group_size == 2
    assert sorted(r.reason for r in visit.reasons.all()) == ["banking", "mobile"]


def test_a_wrong_arrival_is_shown_again_with_french_errors(work, mediator):
    response = mediator.post(
        reverse("flow:visit_add", args=[work.site.pk]),
        {"client_uuid": str(uuid.uuid4()), "group_size": "40"},
    )
    html = html_of(response)
    assert "Choisissez au moins un motif." in html
    assert "Le nombre de personnes doit être compris entre 1 et 20." in html
    assert '<details class="queue-more" open>' in html
    assert Visit.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# The queue: order, waiting times, estimates
# ---------------------------------------------------------------------------------------------


def test_the_queue_is_in_arrival_order_with_waiting_times_and_estimates(work, mediator, clock):
    add(work, "banking", at=OPENED - timedelta(minutes=25))
    add(work, "mobile", first_name="Léa", at=OPENED - timedelta(minutes=7))
    called = add(work, "banking", at=OPENED - timedelta(minutes=4))
    services.visit_call(actor=work.user, visit=called, at=OPENED - timedelta(minutes=1))
    html = html_of(mediator.get(queue_url(work.site)))
    assert html.index('data-testid="visit-001"') < html.index('data-testid="visit-002"')
    assert html.index('data-testid="visit-002"') < html.index('data-testid="visit-003"')
    assert "Attend depuis 25 min" in html and "Attend depuis 7 min" in html
    assert "A attendu 3 min" in html and "Appelé" in html
    assert "Léa" in html
    assert "2 personnes en attente" in html
    # Banking: 2 in the queue (waiting or called) × 8 min, at one counter; mobile: 1 × 10 min.
    banking = html.split('data-testid="wait-banking"')[1].split("</li>")[0]
    assert "2 en attente" in banking and "environ 16 min" in banking
    assert "environ 10 min" in html.split('data-testid="wait-mobile"')[1].split("</li>")[0]
    clock.move_to(OPENED + timedelta(minutes=10))
    partial = mediator.get(queue_url(work.site), HTTP_HX_REQUEST="true")
    text = html_of(partial)
    assert "<html" not in text and "Attend depuis 35 min" in text
    assert "HX-Request" in partial["Vary"]


def test_call_next_calls_the_longest_waiting_visit(work, mediator):
    add(work, "banking", at=OPENED - timedelta(minutes=20))
    add(work, "mobile", at=OPENED - timedelta(minutes=5))
    response = mediator.post(reverse("flow:call_next", args=[work.site.pk]), follow=True)
    assert messages_of(response) == ["Ticket 001 appelé."]
    assert Visit.objects.get(ticket=1).state == State.CALLED
    assert Visit.objects.get(ticket=2).state == State.WAITING


def test_call_next_on_an_empty_queue_says_so(work, mediator):
    response = mediator.post(reverse("flow:call_next", args=[work.site.pk]), follow=True)
    assert messages_of(response) == ["Personne n'attend : il n'y a personne à appeler."]


# ---------------------------------------------------------------------------------------------
# Actions on a visit
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "state", "message"),
    [
        ("appeler", State.CALLED, "Ticket 001 appelé."),
        ("pause", State.ON_HOLD, "Ticket 001 mis en pause."),
        ("parti", State.DONE, "Ticket 001 : parti sans être servi."),
    ],
)
def test_each_action_moves_the_visit(work, mediator, action, state, message):
    visit = add(work)
    response = mediator.post(action_url(visit, action), follow=True)
    assert messages_of(response) == [message]
    visit.refresh_from_db()
    assert visit.state == state
    if action == "parti":
        assert visit.route == "left"


def test_put_back_in_the_queue(work, mediator):
    visit = add(work)
    services.visit_hold(actor=work.user, visit=visit)
    response = mediator.post(action_url(visit, "reprendre"), follow=True)
    assert messages_of(response) == ["Ticket 001 remis en attente."]
    visit.refresh_from_db()
    assert visit.state == State.WAITING


def test_routing_to_the_counter_closes_the_visit(work, mediator):
    visit = add(work, "parcel_pickup")
    response = mediator.post(action_url(visit, "orienter"), {"route": "counter"}, follow=True)
    assert messages_of(response) == ["Ticket 001 orienté : Guichet."]
    visit.refresh_from_db()
    assert visit.state == State.DONE and visit.route == "counter"
    assert 'data-testid="visit-001"' not in html_of(response)


def test_routing_without_a_place_is_refused(work, mediator):
    visit = add(work)
    response = mediator.post(action_url(visit, "orienter"), {"route": "left"}, follow=True)
    assert messages_of(response) == ["Choisissez où la personne a été orientée."]
    visit.refresh_from_db()
    assert visit.state == State.WAITING


def test_serving_a_closed_visit_is_refused_with_a_message(work, mediator):
    visit = add(work)
    services.visit_close(actor=work.user, visit=visit, route="counter")
    response = mediator.post(action_url(visit, "servir"), follow=True)
    assert response.status_code == 200
    assert messages_of(response) == ["Impossible : la visite 001 est « Terminé »."]
    visit.refresh_from_db()
    assert visit.state == State.DONE and visit.route == "counter"


@pytest.mark.parametrize("action", ["appeler", "pause", "parti", "tension", "reprendre"])
def test_a_closed_visit_refuses_every_action(work, mediator, action):
    visit = add(work)
    services.visit_close(actor=work.user, visit=visit, route="machine")
    response = mediator.post(action_url(visit, action), follow=True)
    assert response.status_code == 200
    (message,) = messages_of(response)
    assert message.startswith("Impossible : la visite 001")


def test_an_unknown_action_is_not_found(work, mediator):
    visit = add(work)
    assert mediator.post(action_url(visit, "effacer")).status_code == 404
    assert mediator.get(action_url(visit, "appeler")).status_code == 405


def test_tension_on_a_waiting_visit_is_shown_and_makes_it_conflict_prevention(work, mediator):
    visit = add(work, "banking")
    response = mediator.post(action_url(visit, "tension"), follow=True)
    assert "Tension notée pour le ticket 001" in messages_of(response)[0]
    assert "visit__tension" in html_of(response)
    response = mediator.post(action_url(visit, "servir"))
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["kind"] == ["conflict_prevention"]


# ---------------------------------------------------------------------------------------------
# Serve → the quick-record screen, pre-filled → the record closes the visit
# ---------------------------------------------------------------------------------------------


def test_serve_opens_the_record_screen_prefilled_from_the_reasons(work, mediator):
    visit = add(work, "administrative_procedure")
    response = mediator.post(action_url(visit, "servir"))
    location = urlsplit(response["Location"])
    assert location.path == reverse("mediation:record")
    assert parse_qs(location.query) == {
        "visite": [str(visit.pk)],
        "kind": ["individual_accompaniment"],
        "domain": ["state_procedures"],
        "themes": ["aide_aux_demarches_administratives"],
    }
    visit.refresh_from_db()
    assert visit.state == State.SERVING
    html = html_of(mediator.get(response["Location"]))
    assert re.search(r'name="kind" value="individual_accompaniment"[^>]* checked', html)
    assert re.search(r'value="aide_aux_demarches_administratives"[^>]* checked', html)
    assert re.search(r'<option value="state_procedures" selected', html)
    assert f'type="hidden" name="visit" value="{visit.pk}"' in html
    assert "Visite 001 de la file" in html


@pytest.mark.parametrize(
    ("reason", "kind", "domain"),
    [
        ("banking", "individual_accompaniment", "banking"),
        ("postal_forms", "postal_forms", "mail_parcel"),
        ("sending", "machines_and_tools", "mail_parcel"),
        ("mobile", "individual_accompaniment", "mobile"),
        ("digital_identity", "individual_accompaniment", "digital_offers"),
        ("information", "information_orientation", None),
    ],
)
def test_each_reason_prefills_its_kind_and_domain(work, mediator, reason, kind, domain):
    visit = add(work, reason)
    query = parse_qs(urlsplit(mediator.post(action_url(visit, "servir"))["Location"]).query)
    assert query["kind"] == [kind]
    assert query.get("domain") == ([domain] if domain else None)


def test_saving_the_record_links_the_interaction_and_closes_the_visit(work, mediator, clock):
    visit = add(work, "banking", at=OPENED - timedelta(minutes=10))
    url = mediator.post(action_url(visit, "servir"))["Location"]
    html = html_of(mediator.get(url))
    hidden = {
        name: re.search(rf'type="hidden" name="{name}" value="([^"]+)"', html).group(1)
        for name in ("client_uuid", "started_at", "visit")
    }
    clock.move_to(OPENED + timedelta(minutes=12))
    response = mediator.post(
        reverse("mediation:record"),
        {**hidden, "kind": "individual_accompaniment", "domain": "banking", "themes": ["email"]},
    )
    assert response.status_code == 302 and response["Location"] == queue_url(work.site)
    interaction = Interaction.objects.get()
    visit.refresh_from_db()
    assert visit.interaction == interaction
    assert visit.state == State.DONE and visit.route == "mediator"
    assert interaction.kind == "individual_accompaniment" and interaction.domain == "banking"
    followed = mediator.get(response["Location"])
    assert messages_of(followed)[0].startswith("Interaction enregistrée, visite 001 terminée")


def test_a_record_for_a_visit_no_longer_served_records_and_leaves_the_visit(work, mediator):
    visit = add(work, "banking")
    url = mediator.post(action_url(visit, "servir"))["Location"]
    html = html_of(mediator.get(url))
    hidden = {
        name: re.search(rf'type="hidden" name="{name}" value="([^"]+)"', html).group(1)
        for name in ("client_uuid", "started_at", "visit")
    }
    services.visit_close(actor=work.user, visit=visit, route="counter")
    response = mediator.post(reverse("mediation:record"), {**hidden, "kind": "information_orientation"})
    assert response["Location"] == reverse("mediation:record")
    visit.refresh_from_db()
    assert Interaction.objects.count() == 1 and visit.interaction is None and visit.route == "counter"


@pytest.mark.parametrize("action,data", [("orienter", {"route": "counter"}), ("parti", {})])
def test_a_tension_closed_without_service_asks_for_its_conflict_prevention(work, mediator, action, data):
    visit = add(work, "banking")
    mediator.post(action_url(visit, "tension"))
    response = mediator.post(action_url(visit, action), data)
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["kind"] == ["conflict_prevention"] and query["visite"] == [str(visit.pk)]
    html = html_of(mediator.get(response["Location"]))
    assert "une tension a été signalée" in html
    hidden = {
        name: re.search(rf'type="hidden" name="{name}" value="([^"]+)"', html).group(1)
        for name in ("client_uuid", "started_at", "visit")
    }
    response = mediator.post(
        reverse("mediation:record"),
        {**hidden, "kind": "conflict_prevention", "conflict_severity": "low", "conflict_defused": YES},
        follow=True,
    )
    assert messages_of(response)[-1].startswith("Prévention de conflit enregistrée pour la visite 001")
    visit.refresh_from_db()
    interaction = Interaction.objects.get()
    assert visit.interaction == interaction and interaction.kind == "conflict_prevention"
    assert visit.state == State.DONE and visit.route == data.get("route", "left")


def test_a_person_sent_to_a_workshop_is_registered_from_the_sites_programme(work, mediator):
    visit = add(work, "digital_identity")
    response = mediator.post(action_url(visit, "orienter"), {"route": "workshop"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('workshops:programme')}?site={work.site.pk}"
    assert "Choisissez une séance de ce site pour y inscrire la personne." in messages_of(response)


def test_a_visit_closed_without_tension_goes_back_to_the_queue(work, mediator):
    visit = add(work, "banking")
    response = mediator.post(action_url(visit, "orienter"), {"route": "machine"})
    assert response["Location"] == queue_url(work.site)


def test_the_record_screen_ignores_another_operators_visit(work, mediator, tenant_b):
    other = at_work(tenant_b)
    visit = add(other, "banking")
    services.visit_serve(actor=other.user, visit=visit)
    html = html_of(mediator.get(f"{reverse('mediation:record')}?visite={visit.pk}&kind=nonsense"))
    assert 'name="visit" value' not in html and "Visite 001 de la file" not in html


# ---------------------------------------------------------------------------------------------
# The reasons catalogue
# ---------------------------------------------------------------------------------------------


def test_a_coordinator_orders_routes_and_hides_reasons(work):
    coordinator = work.tenant.client(Role.COORDINATOR)
    url = reverse("flow:reasons_edit", args=[work.site.pk])
    html = html_of(coordinator.get(url))
    assert "Banque" in html and 'name="banking-position"' in html
    data = {}
    for item in services.site_reasons_ensure(site=work.site):
        data[f"{item.reason}-position"] = str(item.position)
        data[f"{item.reason}-default_route"] = item.default_route
        data[f"{item.reason}-is_active"] = "on"
    data["mobile-position"] = "0"
    data["banking-default_route"] = "mediator"
    del data["other-is_active"]
    response = coordinator.post(url, data, follow=True)
    assert messages_of(response) == [f"Les motifs de {work.site.name} sont enregistrés."]
    banking = SiteReason.objects.get(site=work.site, reason="banking")
    assert banking.default_route == "mediator"
    assert not SiteReason.objects.get(site=work.site, reason="other").is_active
    queue_html = html_of(coordinator.get(queue_url(work.site)))
    taps = re.findall(
        r'name="reasons" value="(\w+)"', queue_html.split('class="queue-taps"')[1].split("</form>")[0]
    )
    assert taps[:2] == ["mobile", "parcel_pickup"] and "other" not in taps


def test_a_coordinator_puts_the_most_frequent_reasons_first(work, clock):
    for reasons in (["mobile"], ["mobile", "banking"], ["mobile"], ["digital_identity"], ["banking"]):
        add(work, *reasons, at=OPENED - timedelta(days=10))
    add(work, "other", at=OPENED - timedelta(days=200))
    coordinator = work.tenant.client(Role.COORDINATOR)
    url = reverse("flow:reasons_edit", args=[work.site.pk])
    response = coordinator.post(url, {"by_frequency": "1"}, follow=True)
    assert messages_of(response) == [
        "Les motifs sont rangés du plus fréquent au moins fréquent (90 derniers jours)."
    ]
    order = list(
        SiteReason.objects.filter(site=work.site).order_by("position").values_list("reason", flat=True)
    )
    # Mobile 3, banking 2, digital identity 1; then the others in their former order (an old visit
    # for « other » is outside the 90 days and does not count).
    assert order[:3] == ["mobile", "banking", "digital_identity"]
    assert order[3:] == [
        "parcel_pickup",
        "sending",
        "postal_forms",
        "administrative_procedure",
        "information",
        "other",
    ]
    taps = re.findall(
        r'name="reasons" value="(\w+)"',
        html_of(coordinator.get(queue_url(work.site))).split('class="queue-taps"')[1].split("</form>")[0],
    )
    assert taps[:3] == ["mobile", "banking", "digital_identity"]


def test_mediators_cannot_reorder_reasons(work, mediator):
    url = reverse("flow:reasons_edit", args=[work.site.pk])
    assert mediator.post(url, {"by_frequency": "1"}).status_code == 403


def test_reasons_edit_shows_french_errors(work):
    coordinator = work.tenant.client(Role.COORDINATOR)
    url = reverse("flow:reasons_edit", args=[work.site.pk])
    html_of(coordinator.get(url))
    response = coordinator.post(url, {"banking-position": "abc", "banking-default_route": "left"})
    html = html_of(response)
    assert "Indiquez l&#x27;ordre par un nombre entre 0 et 99." in html
    assert "Choisissez une orientation par défaut." in html


def test_mediators_do_not_edit_reasons(work, mediator):
    assert mediator.get(reverse("flow:reasons_edit", args=[work.site.pk])).status_code == 403


# ---------------------------------------------------------------------------------------------
# Scoping
# ---------------------------------------------------------------------------------------------


def test_another_operators_site_and_visit_are_not_found(work, mediator, tenant_b):
    other = at_work(tenant_b)
    visit = add(other, "banking", first_name="Zorbeckine")
    for client in (mediator, work.tenant.client(Role.COORDINATOR), work.tenant.client(Role.ADMIN)):
        assert client.get(queue_url(tenant_b.site)).status_code == 404
        assert tap(client, tenant_b.site).status_code == 404
        assert client.post(reverse("flow:call_next", args=[tenant_b.site.pk])).status_code == 404
        assert client.post(action_url(visit, "appeler")).status_code == 404
    visit.refresh_from_db()
    assert visit.state == State.WAITING and Visit.objects.count() == 1


def test_call_next_never_calls_another_operators_visit_at_a_shared_site(work, mediator, tenant_b):
    other = at_work(tenant_b)
    from tremplin.staffing.tests.factories import ContractSiteFactory

    ContractSiteFactory(contract=other.shift.contract, site=work.site)
    services.visit_create(actor=None, operator=tenant_b.operator, site=work.site, reasons=["banking"])
    response = mediator.post(reverse("flow:call_next", args=[work.site.pk]), follow=True)
    assert messages_of(response) == ["Personne n'attend : il n'y a personne à appeler."]


def test_funders_are_refused(work):
    funder = work.tenant.client(Role.FUNDER)
    visit = add(work)
    assert funder.get(reverse("flow:queue_home")).status_code == 403
    assert funder.get(queue_url(work.site)).status_code == 403
    assert funder.post(action_url(visit, "appeler")).status_code == 403
    assert funder.get(reverse("flow:reasons_edit", args=[work.site.pk])).status_code == 403


# ---------------------------------------------------------------------------------------------
# Where each role finds the queue, its statistics and its public screen
# ---------------------------------------------------------------------------------------------


def site_queue_links(client, site) -> list[str]:
    html = html_of(client.get(reverse("territory:site_detail", args=[site.pk])))
    if 'data-testid="site-queue-links"' not in html:
        return []
    block = html.split('data-testid="site-queue-links"')[1].split("</ul>")[0]
    return re.findall(r'href="([^"]+)"', block)


def test_the_site_page_leads_each_role_to_what_it_may_open_of_the_queue(work, mediator):
    site = work.site
    stats_url = reverse("flow:site_stats", args=[site.pk])
    board_url = reverse("flow:board_admin", args=[site.pk])
    assert site_queue_links(mediator, site) == [queue_url(site), stats_url]
    coordinator = work.tenant.client(Role.COORDINATOR)
    assert site_queue_links(coordinator, site) == [queue_url(site), stats_url, board_url]
    assert site_queue_links(work.tenant.client(Role.FUNDER), site) == [stats_url]


def test_the_queue_home_of_a_coordinator_links_statistics_screen_and_reasons(work):
    html = html_of(work.tenant.client(Role.COORDINATOR).get(reverse("flow:queue_home")))
    for name in ("flow:site_stats", "flow:board_admin", "flow:reasons_edit"):
        assert reverse(name, args=[work.site.pk]) in html


def test_the_queue_screen_links_its_statistics_and_for_coordinators_its_screen(work, mediator):
    board_url = reverse("flow:board_admin", args=[work.site.pk])
    mediator_html = html_of(mediator.get(queue_url(work.site)))
    assert reverse("flow:site_stats", args=[work.site.pk]) in mediator_html
    assert board_url not in mediator_html
    assert board_url in html_of(work.tenant.client(Role.COORDINATOR).get(queue_url(work.site)))
