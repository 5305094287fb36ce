"""A mediator finds a followed person in two keystrokes, follows a new one past the look-alike warning,
and opens their page; a coordinator merges a duplicate and anonymises a person who withdraws consent.
In Chromium on a tablet, with axe scans of each page."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tremplin.core.roles import Role
from tremplin.core.tests.e2e_fixtures import TABLET, axe_check, sign_in
from tremplin.mediation.models import Accompaniment, Beneficiary
from tremplin.mediation.services import Person

from .helpers import at_work, follow, record

pytestmark = pytest.mark.e2e


def test_search_follow_past_the_warning_and_open_the_person(new_page, tenant_a):
    work = at_work(tenant_a)
    jeanne = follow(work, "Jeanne", year=1948, commune=work.site.commune)
    record(work, people=[Person(beneficiary=jeanne)], themes=["email"])
    page = new_page(viewport=TABLET, has_touch=True)
    sign_in(page, tenant_a.members[Role.MEDIATOR].user.email)

    page.get_by_role("link", name="Bénéficiaires").click()
    expect(page.get_by_role("heading", name="Personnes suivies", exact=True)).to_be_visible()
    axe_check(page)

    search = page.get_by_role("searchbox", name="Rechercher par prénom ou pseudonyme")
    search.press_sequentially("j")
    expect(page.locator("#beneficiary-search-status")).to_have_text(
        "Tapez au moins deux lettres du prénom ou du pseudonyme."
    )
    search.press_sequentially("e")
    expect(page.locator("#beneficiary-search-status")).to_have_text("Une personne trouvée.")
    results = page.locator("#beneficiary-results")
    expect(results.get_by_role("link", name="Jeanne (1948)")).to_be_visible()
    assert "?q=" not in page.url, "the results came live, without submitting the search"
    axe_check(page)

    page.get_by_role("link", name="Suivre une nouvelle personne").click()
    page.get_by_label("Prénom ou pseudonyme").fill("Jeane")
    page.get_by_label("Année de naissance").fill("1948")
    page.get_by_label("Téléphone", exact=True).fill("06 12 34 56 78")
    page.get_by_label("Suivi par toute la structure").check()
    page.get_by_label("La personne a compris ce que nous gardons et pourquoi").check()
    page.get_by_role("button", name="Enregistrer la personne").click()

    expect(page.get_by_role("heading", name="Cette personne est peut-être déjà suivie")).to_be_visible()
    expect(page.get_by_role("link", name="Jeanne (1948)")).to_be_visible()
    expect(page.get_by_label("Prénom ou pseudonyme")).to_have_value("Jeane")
    assert Beneficiary.objects.count() == 1
    axe_check(page)

    page.get_by_label("C'est bien une autre personne").check()
    page.get_by_role("button", name="Enregistrer la personne").click()

    expect(page.get_by_role("heading", name="Jeane (1948)")).to_be_visible()
    expect(page.get_by_text("Suivi par toute la structure")).to_be_visible()
    expect(page.get_by_text("06 12 34 56 78")).to_be_visible()
    created = Beneficiary.objects.get(display_name="Jeane")
    assert created.phone == "+33612345678"
    assert created.consent_by == work.user
    axe_check(page)

    page.goto(f"/beneficiaires/{jeanne.pk}/")
    expect(page.get_by_role("heading", name="Jeanne (1948)")).to_be_visible()
    history = page.locator("table").filter(has_text="Thématiques")
    expect(history.get_by_role("cell", name="E-mail")).to_be_visible()
    axe_check(page)


def test_a_coordinator_merges_a_duplicate_then_the_person_withdraws_consent(new_page, tenant_a):
    work = at_work(tenant_a)
    jeanne = follow(work, "Jeanne", year=1948)
    duplicate = follow(work, "Jeane", year=1948, phone="+33612345678")
    record(work, people=[Person(beneficiary=duplicate)])
    coordinator = tenant_a.members[Role.COORDINATOR].user
    device = TOTPDevice.objects.create(user=coordinator, name="e2e", confirmed=True)
    page = new_page(viewport=TABLET, has_touch=True)
    sign_in(page, coordinator.email)
    page.get_by_label("Code à 6 chiffres").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Valider").click()
    page.wait_for_load_state()

    page.goto(f"/beneficiaires/{jeanne.pk}/")
    page.get_by_role("link", name="Fusionner un doublon").click()
    expect(page.get_by_role("heading", name="Fiches qui lui ressemblent")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Comparer avec Jeane (1948)").click()
    expect(page.get_by_role("heading", name="Fiche en double")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Confirmer la fusion").click()

    expect(page.get_by_role("heading", name="Jeanne (1948)")).to_be_visible()
    expect(page.get_by_text("06 12 34 56 78")).to_be_visible()
    assert Accompaniment.objects.get().beneficiary == jeanne

    page.get_by_role("link", name="La personne retire son accord").click()
    expect(page.get_by_text("C'est définitif")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Rendre la fiche anonyme").click()

    expect(page.get_by_text("La fiche a été rendue anonyme")).to_be_visible()
    expect(page.get_by_text("Aucune personne suivie pour l'instant.")).to_be_visible()
    jeanne.refresh_from_db()
    assert jeanne.anonymised_at and not jeanne.display_name
    assert Accompaniment.objects.count() == 1
