"""The public queue screen: what it shows (and what it never shows), its conditional polling, its
secret URL, and the page where coordinators and administrators manage that URL."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tremplin.core.roles import Role
from tremplin.core.tests.e2e_fixtures import DESKTOP, axe_check
from tremplin.flow import services
from tremplin.flow.models import Board
from tremplin.staffing.models import MediatorProfile
from tremplin.staffing.tests.factories import ContractSiteFactory

PARIS = ZoneInfo("Europe/Paris")
POLL = {"HTTP_HX_REQUEST": "true"}


def at(hour, minute):
    return datetime(2026, 3, 10, hour, minute, tzinfo=PARIS)


@pytest.fixture
def site(tenant_a):
    ContractSiteFactory(contract__operator=tenant_a.operator, site=tenant_a.site)
    MediatorProfile.objects.create(user=tenant_a.members[Role.MEDIATOR].user, operator=tenant_a.operator)
    return tenant_a.site


@pytest.fixture
def clock():
    with time_machine.travel(at(9, 30), tick=False) as traveller:
        yield traveller


def arrive(tenant, reasons, first_name="", when=None):
    visit, _created = services.visit_create(
        actor=None,
        operator=tenant.operator,
        site=tenant.site,
        reasons=reasons,
        first_name=first_name,
        at=when,
    )
    return visit


def board_url(site):
    return reverse("flow:board", kwargs={"secret": services.board_ensure(site=site).secret})


def test_the_board_shows_the_called_ticket_and_the_counts_and_no_other_personal_data(tenant_a, site, clock):
    alice = arrive(tenant_a, ["banking"], "Alice", at(9, 0))
    arrive(tenant_a, ["banking", "parcel_pickup"], "Bruno", at(9, 5))
    arrive(tenant_a, ["information"], "", at(9, 10))
    services.visit_call(actor=None, visit=alice, at=at(9, 20))

    response = Client().get(board_url(site))

    assert response.status_code == 200
    page = response.content.decode()
    assert site.name in page
    called = page.split('data-testid="board-called"')[1].split("</ol>")[0]
    assert "001" in called and "Alice" in called
    assert "Bruno" not in page, "a waiting person's first name is never shown"
    assert page.count("Alice") == 1, "the called first name appears once, in the called list only"
    # Alice (called) and Bruno both still wait for the bank; Bruno alone for a parcel.
    assert '<td class="num" data-testid="board-waiting-banking">2</td>' in page
    assert '<td class="num" data-testid="board-waiting-parcel_pickup">1</td>' in page
    assert '<td class="num" data-testid="board-waiting-information">1</td>' in page
    assert '<td class="num" data-testid="board-waiting-sending">0</td>' in page
    assert 'data-testid="board-wait-banking">environ 16\xa0min<' in page
    assert "Mis à jour à" in page and "9\xa0h\xa030" in page  # when the rows last changed
    assert 'http-equiv="refresh"' in page.split("<noscript>")[1].split("</noscript>")[0]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_the_polled_partial_answers_304_while_the_queue_does_not_change(tenant_a, site, clock):
    visit = arrive(tenant_a, ["banking"], "Alice", at(9, 0))
    url = board_url(site)
    client = Client()

    first = client.get(url, **POLL)
    assert first.status_code == 200
    assert "<html" not in first.content.decode(), "the poll gets the partial only"
    etag = first["ETag"]
    assert "private" in first["Cache-Control"] and "HX-Request" in first["Vary"]

    unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag, **POLL)
    assert unchanged.status_code == 304
    assert unchanged["X-Robots-Tag"] == "noindex, nofollow"

    services.visit_call(actor=None, visit=visit)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag, **POLL)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Alice" in changed.content.decode()


def test_a_wrong_secret_and_a_rotated_one_are_plain_404s(tenant_a, site):
    arrive(tenant_a, ["banking"], "Alice")
    old = board_url(site)
    client = Client()
    assert client.get(old).status_code == 200

    wrong = client.get(reverse("flow:board", kwargs={"secret": "pas-le-bon-secret"}))
    assert wrong.status_code == 404
    assert site.name not in wrong.content.decode()

    services.board_rotate(actor=None, site=site)
    for headers in ({}, POLL):
        gone = client.get(old, **headers)
        assert gone.status_code == 404
        assert site.name not in gone.content.decode()
    assert client.get(board_url(site)).status_code == 200


def test_the_board_takes_no_post(site):
    assert Client().post(board_url(site)).status_code == 405


def test_a_coordinator_sees_the_url_and_its_qr_code_and_can_change_it(tenant_a, site):
    assert not Board.objects.filter(site=site).exists()
    client = tenant_a.client(Role.COORDINATOR)
    admin_url = reverse("flow:board_admin", kwargs={"site_pk": site.pk})

    page = client.get(admin_url)

    assert page.status_code == 200
    board = Board.objects.get(site=site)
    absolute = f"http://localhost/ecran/{board.secret}/"
    assert absolute in page.content.decode()
    assert "<svg" in page.content.decode()

    rotated = client.post(admin_url, follow=True)
    assert rotated.status_code == 200
    assert "nouvelle adresse" in rotated.content.decode()
    board.refresh_from_db()
    assert absolute not in rotated.content.decode()
    assert board.secret in rotated.content.decode()
    assert Client().get(absolute.removeprefix("http://localhost")).status_code == 404


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR])
def test_admins_and_coordinators_manage_the_board(tenant_a, site, role):
    services.board_ensure(site=site)
    before = Board.objects.get(site=site).secret
    response = tenant_a.client(role).post(reverse("flow:board_admin", kwargs={"site_pk": site.pk}))
    assert response.status_code == 302
    assert Board.objects.get(site=site).secret != before


def test_a_mediator_may_not_manage_the_board(tenant_a, site):
    secret = services.board_ensure(site=site).secret
    client = tenant_a.client(Role.MEDIATOR)
    url = reverse("flow:board_admin", kwargs={"site_pk": site.pk})
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert Board.objects.get(site=site).secret == secret


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR, Role.FUNDER])
def test_another_operator_does_not_see_the_board_of_the_site(tenant_a, tenant_b, site, role):
    secret = services.board_ensure(site=site).secret
    url = reverse("flow:board_admin", kwargs={"site_pk": site.pk})
    client = tenant_b.client(role)
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 404
        assert secret not in response.content.decode()
    assert Board.objects.get(site=site).secret == secret


def test_a_funder_of_the_departement_does_not_manage_the_board(tenant_a, site):
    url = reverse("flow:board_admin", kwargs={"site_pk": site.pk})
    assert tenant_a.client(Role.FUNDER).get(url).status_code == 404


def test_an_arrival_keeps_the_wait_announced_to_it(tenant_a, site):
    first = arrive(tenant_a, ["banking"])
    second = arrive(tenant_a, ["banking", "information"])
    third = arrive(tenant_a, ["information"])
    assert first.estimated_wait_minutes == 0
    assert second.estimated_wait_minutes == 8  # one person ahead for the bank, 8 minutes each
    assert third.estimated_wait_minutes == 3  # one person ahead for information (3 minutes)


@pytest.mark.e2e
def test_the_screen_says_when_the_connection_is_lost_and_catches_up_after(new_page, tenant_a, site):
    screen = new_page(viewport=DESKTOP)
    screen.goto(board_url(site))
    expect(screen.get_by_test_id("board-waiting-banking")).to_have_text("0")
    expect(screen.get_by_test_id("board-offline")).to_be_hidden()
    axe_check(screen)

    screen.route("**/ecran/**", lambda route: route.abort("internetdisconnected"))
    expect(screen.get_by_test_id("board-offline")).to_have_text(
        "Connexion perdue, nouvelle tentative…", timeout=15_000
    )
    arrive(tenant_a, ["banking"], "Alice")
    expect(screen.get_by_test_id("board-waiting-banking")).to_have_text("0")  # the last state stays

    screen.unroute("**/ecran/**")
    expect(screen.get_by_test_id("board-waiting-banking")).to_have_text("1", timeout=15_000)
    expect(screen.get_by_test_id("board-offline")).to_be_hidden()
    assert "Alice" not in screen.content()
