"""The issue's « done when », in Chromium: a coordinator publishes a session; a member of the public books
the last seat on the public agenda; a second person is waitlisted, then promoted after a cancellation
and takes the seat; on the day, the mediator takes the attendance on a tablet, closes the session, and
finds it as a group interaction in their records. Every page visited passes axe."""

import re
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tremplin.core.roles import Role
from tremplin.core.tests.e2e_fixtures import (
    DESKTOP,
    TABLET,
    axe_check,
    axe_check_twin,
    sign_in,
    sign_in_with_code,
)
from tremplin.mediation.models import Interaction
from tremplin.mediation.tests.helpers import at_work
from tremplin.workshops.models import Registration, Session

from .helpers import book, catalogue_entry, schedule

pytestmark = pytest.mark.e2e

TOUCH = 44


def assert_suits_a_finger(page):
    small = page.evaluate(
        """(minimum) => [...document.querySelectorAll('main button, main a.button, main select')]
            .filter((el) => el.getClientRects().length > 0)
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([, box]) => box.width < minimum || box.height < minimum)
            .map(([el, box]) => `${el.textContent.trim()} ${Math.round(box.width)}×${box.height}`)""",
        TOUCH,
    )
    assert not small, f"touch targets under {TOUCH}px: {small}"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def test_publish_book_the_last_seat_wait_promote_attend_and_record(new_page, tenant_a):
    work = at_work(tenant_a, start_shift=False)
    workshop = catalogue_entry(work, "Créer son adresse e-mail", themes=("email",), max_participants=8)
    day = timezone.localdate() + timedelta(days=3)
    starts = timezone.make_aware(datetime.combine(day, time(14, 0)))

    # --- The coordinator publishes a session of two seats -------------------------------------------
    coordinator = new_page(viewport=DESKTOP)
    sign_in_with_code(coordinator, tenant_a.members[Role.COORDINATOR].user)
    coordinator.get_by_role("link", name="Ateliers", exact=True).click()
    expect(coordinator.get_by_role("heading", name=re.compile("Programme de"))).to_be_visible()
    axe_check(coordinator)
    coordinator.get_by_role("link", name="Programmer une séance").first.click()
    axe_check(coordinator)
    coordinator.get_by_label("Atelier").select_option(label=workshop.title)
    coordinator.get_by_label("Date").fill(day.isoformat())
    coordinator.get_by_label("Heure de début").fill("14:00")
    coordinator.get_by_label("Places").fill("2")
    coordinator.get_by_label(str(work.mediator.user)).check()
    coordinator.get_by_role("button", name="Programmer").click()
    expect(coordinator.get_by_role("status")).to_contain_text("Séance programmée.")
    session = Session.objects.get()
    assert (session.capacity, session.starts_at, session.is_published) == (2, starts, True)
    axe_check(coordinator)

    # Someone registered at the counter already holds one seat.
    book(session, "Mauricette")

    # --- A member of the public books the last seat --------------------------------------------------
    ginette = new_page(viewport=TABLET, has_touch=True)
    ginette.goto(reverse("workshops:agenda_site", args=[work.site.pk]))
    expect(ginette.get_by_text("1 place libre")).to_be_visible()
    axe_check(ginette)
    ginette.get_by_role("link", name=re.compile("^S'inscrire")).click()
    axe_check(ginette)
    ginette.get_by_role("textbox", name="Prénom", exact=True).fill("Ginette")
    ginette.get_by_label("Téléphone portable").fill("01 45 67 89 10")
    ginette.get_by_label(re.compile("J'accepte")).check()
    ginette.get_by_role("button", name="Réserver ma place").click()
    expect(ginette.get_by_text("Ce numéro n'est pas un numéro de portable")).to_be_visible()
    axe_check(ginette)
    ginette.get_by_label("Téléphone portable").fill("06 12 34 56 78")
    ginette.get_by_role("button", name="Réserver ma place").click()
    expect(ginette.get_by_test_id("registration-status")).to_contain_text(
        "Ginette, votre place est réservée."
    )
    axe_check(ginette)
    ginette_page = ginette.url

    # --- A second person finds it full and joins the waiting list ---------------------------------
    paul = new_page(viewport=DESKTOP)
    paul.goto(reverse("workshops:public_session", args=[session.pk]))
    expect(paul.get_by_test_id("seats-left")).to_contain_text("Complet")
    paul.get_by_role("textbox", name="Prénom", exact=True).fill("Paul")
    paul.get_by_label("Adresse e-mail").fill("paul@exemple.fr")
    paul.get_by_label(re.compile("J'accepte")).check()
    paul.get_by_role("button", name="M'inscrire sur la liste d'attente").click()
    expect(paul.get_by_test_id("registration-status")).to_contain_text("en position 1")
    axe_check(paul)

    # --- Ginette cannot come after all: Paul is offered her seat and takes it ----------------------
    ginette.goto(ginette_page)
    ginette.get_by_role("button", name="Annuler mon inscription").click()
    expect(ginette.get_by_test_id("registration-status")).to_contain_text("Votre inscription est annulée")
    axe_check(ginette)
    paul.reload()
    expect(paul.get_by_test_id("registration-status")).to_contain_text("Une place s'est libérée pour vous")
    axe_check(paul)
    paul.get_by_role("button", name="Je prends la place").click()
    expect(paul.get_by_test_id("registration-status")).to_contain_text("Paul, votre place est réservée.")
    axe_check(paul)
    assert sorted(session.registrations.values_list("first_name", "status")) == [
        ("Ginette", Registration.Status.CANCELLED),
        ("Mauricette", Registration.Status.CONFIRMED),
        ("Paul", Registration.Status.CONFIRMED),
    ]

    # --- On the day, the mediator takes the attendance on a tablet and closes the session ---------
    with time_machine.travel(starts + timedelta(minutes=25), tick=True):
        tablet = new_page(viewport=TABLET, has_touch=True)
        sign_in(tablet, work.user.email)
        tablet.get_by_role("link", name="Ateliers", exact=True).click()
        expect(tablet.get_by_role("heading", name="Appel à faire")).to_be_visible()
        axe_check(tablet)
        tablet.get_by_role("link", name=workshop.title).first.click()
        expect(tablet.get_by_role("heading", name=workshop.title)).to_be_visible()
        axe_check(tablet)
        tablet.get_by_role("link", name="Faire l'appel").click()
        expect(tablet.get_by_role("heading", name=f"Appel : {workshop.title}")).to_be_visible()
        axe_check(tablet)
        assert_suits_a_finger(tablet)

        tablet.get_by_role("button", name="Présent(e) : Paul").click()
        expect(tablet.get_by_test_id("attendance-summary")).to_contain_text("1 inscrit présent sur 2")
        tablet.get_by_role("button", name="Présent(e) : Mauricette").click()
        expect(tablet.get_by_test_id("attendance-summary")).to_contain_text("2 inscrits présents sur 2")
        tablet.get_by_role("textbox", name="Prénom", exact=True).fill("Rémi")
        tablet.get_by_role("button", name="Ajouter, présent(e)").click()
        expect(tablet.get_by_role("status").first).to_contain_text("Rémi ajouté(e), présent(e).")
        tablet.get_by_label("Tranche d'âge").select_option(label="70 ans et plus")
        tablet.get_by_label("Genre").select_option(label="Femme")
        tablet.get_by_role("button", name="Compter ces personnes").click()
        expect(tablet.get_by_test_id("attendance-summary")).to_contain_text("4 participants")
        axe_check(tablet)
        tablet.get_by_role("button", name="Clôturer la séance").click()
        expect(tablet.get_by_role("status").first).to_contain_text("interaction de groupe de 4 personnes")
        axe_check(tablet)

        tablet.get_by_role("link", name="Voir mes interactions").click()
        expect(tablet.get_by_role("heading", name="Mes interactions")).to_be_visible()
        row = tablet.locator("tbody tr").filter(has_text="Accompagnement individualisé")
        expect(row).to_have_count(1)
        expect(row.locator("td.num").last).to_have_text("4")
        axe_check(tablet)

    session.refresh_from_db()
    interaction = Interaction.objects.get()
    assert session.status == Session.Status.DONE and session.interaction == interaction
    assert (interaction.mediator, interaction.kind, interaction.started_at) == (
        work.mediator,
        "individual_accompaniment",
        starts,
    )
    assert interaction.accompaniments.count() == 4 and interaction.theme_codes == ["email"]


def test_the_attendance_works_without_javascript(new_page, tenant_a):
    work = at_work(tenant_a, start_shift=False)
    starts = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=2), time(10)))
    session = schedule(work, starts_at=starts, capacity=4)
    book(session, "Ginette")
    with time_machine.travel(starts + timedelta(minutes=10), tick=True):
        tablet = new_page(viewport=TABLET, javascript=False)
        sign_in(tablet, work.user.email)
        tablet.goto(reverse("workshops:attendance", args=[session.pk]))
        tablet.get_by_role("button", name="Présent(e) : Ginette").click()
        expect(tablet.get_by_test_id("attendance-summary")).to_contain_text("1 inscrit présent sur 1")
        assert tablet.url.endswith(f"#inscription-{session.registrations.get().pk}")
        axe_check_twin(tablet, new_page)
        assert session.registrations.get().attended
        tablet.get_by_role("button", name="Retirer la présence de Ginette").click()
        expect(tablet.get_by_test_id("attendance-summary")).to_contain_text("0 inscrit présent sur 1")
    assert not session.registrations.get().attended


def test_every_other_workshops_page_passes_axe_and_fits_a_tablet(new_page, tenant_a):
    work = at_work(tenant_a, start_shift=False)
    first = catalogue_entry(work, "Prendre en main sa tablette", themes=("prendre_en_main_du_materiel",))
    second = catalogue_entry(work, "Créer son adresse e-mail")
    from tremplin.mediation.tests.helpers import follow
    from tremplin.workshops import services

    services.pathway_save(
        actor=work.user,
        operator_id=tenant_a.operator.pk,
        title="Premiers pas",
        description="",
        workshops=[first, second],
    )
    session = schedule(work, second, capacity=1)
    book(session, "Ginette")
    book(session, "Paul")
    follow(work, "Mauricette")

    coordinator = new_page(viewport=TABLET, has_touch=True)
    sign_in_with_code(coordinator, tenant_a.members[Role.COORDINATOR].user)
    pages = [
        reverse("workshops:catalogue"),
        reverse("workshops:workshop_detail", args=[first.pk]),
        reverse("workshops:workshop_create"),
        reverse("workshops:pathway_create"),
        reverse("workshops:figures"),
        reverse("workshops:session_detail", args=[session.pk]),
        reverse("workshops:session_edit", args=[session.pk]),
        reverse("workshops:session_cancel", args=[session.pk]),
        reverse("workshops:session_register", args=[session.pk]) + "?q=mau",
    ]
    for url in pages:
        coordinator.goto(url)
        expect(coordinator.locator("h1")).to_be_visible()
        axe_check(coordinator)
        assert_suits_a_finger(coordinator)

    # A form sent with mistakes comes back with its messages, still accessible.
    coordinator.goto(reverse("workshops:workshop_create"))
    coordinator.get_by_role("button", name="Enregistrer l'atelier").click()
    expect(coordinator.get_by_text("Donnez un titre à l'atelier.")).to_be_visible()
    axe_check(coordinator)

    public = new_page(viewport=DESKTOP)
    for url in (
        reverse("workshops:agenda"),
        reverse("workshops:agenda_commune", args=[work.site.commune.code]),
    ):
        public.goto(url)
        expect(public.locator("h1")).to_be_visible()
        axe_check(public)
    # Readable at 200 % zoom: a 640-pixel-wide window, as a 1280 one zoomed twice.
    zoomed = new_page(viewport={"width": 640, "height": 900})
    zoomed.goto(reverse("workshops:public_session", args=[session.pk]))
    assert zoomed.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    axe_check(zoomed)
