"""Filtering the list of points of contact: live with htmx, and the same form without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from tremplin.accounts.tests.factories import MembershipFactory, OperatorFactory
from tremplin.core.roles import Role
from tremplin.core.tests.e2e_fixtures import axe_check, axe_check_twin, sign_in
from tremplin.territory.models import Site
from tremplin.territory.tests.factories import CommuneFactory, DepartementFactory, SiteFactory

pytestmark = pytest.mark.e2e

KIND = Site.Kind


@pytest.fixture
def mediator(db):
    """A mediator whose operator works in Allier and Puy-de-Dôme; a Hauts-de-Seine site stays out."""
    allier = DepartementFactory(code="03", name="Allier")
    puy_de_dome = DepartementFactory(code="63", name="Puy-de-Dôme")
    moulins = CommuneFactory(departement=allier, code="03190", name="Moulins")
    vichy = CommuneFactory(departement=allier, code="03310", name="Vichy")
    clermont = CommuneFactory(departement=puy_de_dome, code="63113", name="Clermont-Ferrand")
    sites = [
        ("Moulins principal", KIND.BUREAU_DE_POSTE, moulins, "03000", True),
        ("Vichy Thermal", KIND.BUREAU_DE_POSTE, vichy, "03200", True),
        ("Agence de Cusset", KIND.AGENCE_POSTALE_COMMUNALE, vichy, "03200", False),
        ("Clermont Jaude", KIND.BUREAU_DE_POSTE, clermont, "63000", False),
        ("Relais Montferrand", KIND.RELAIS_POSTE, clermont, "63100", True),
    ]
    for name, kind, commune, postcode, mediation in sites:
        SiteFactory(name=name, kind=kind, commune=commune, postcode=postcode, has_mediation=mediation)
    elsewhere = DepartementFactory(code="92", name="Hauts-de-Seine")
    SiteFactory(name="Nanterre Préfecture", commune=CommuneFactory(departement=elsewhere))
    operator = OperatorFactory(departements=[allier, puy_de_dome])
    return MembershipFactory(operator=operator, role=Role.MEDIATOR).user


def _site_names(page) -> list[str]:
    return page.locator("#site-results tbody tr td:first-child a").all_inner_texts()


def test_filters_update_the_results_in_place_with_htmx(page, mediator):
    sign_in(page, mediator.email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Sites").click()
    count = page.get_by_test_id("site-count")
    expect(count).to_have_text("5 sites trouvés")
    assert "Nanterre Préfecture" not in _site_names(page)
    axe_check(page)
    page.evaluate("window.pasDeRechargement = true")
    page.evaluate("document.getElementById('site-count').regionInitiale = true")

    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.get_by_label("Département").select_option(label="63 – Puy-de-Dôme")
    expect(count).to_have_text("2 sites trouvés")
    assert _site_names(page) == ["Clermont Jaude", "Relais Montferrand"]
    expect(page).to_have_url(re.compile(r"departement=\d+"))

    page.get_by_label("Type").select_option(label="Relais poste")
    expect(count).to_have_text("1 site trouvé")
    assert _site_names(page) == ["Relais Montferrand"]

    page.get_by_label("Département").select_option(label="Tous")
    page.get_by_label("Type").select_option(label="Tous")
    page.get_by_label("Médiation").select_option(label="Sans médiation")
    expect(count).to_have_text("2 sites trouvés")
    assert _site_names(page) == ["Agence de Cusset", "Clermont Jaude"]

    page.get_by_label("Médiation").select_option(label="Avec médiation")
    commune = page.get_by_label("Commune")
    commune.fill("vichy")
    commune.press("Enter")
    expect(count).to_have_text("1 site trouvé")
    assert _site_names(page) == ["Vichy Thermal"]
    expect(page.locator("#site-results tbody")).to_contain_text("Médiation")
    assert page.evaluate("window.pasDeRechargement") is True, "the page was reloaded"
    assert page.evaluate("document.getElementById('site-count').regionInitiale") is True, (
        "the live region holding the count must stay in place for screen readers to announce it"
    )
    axe_check(page)

    commune.fill("Nanterre")
    commune.press("Enter")
    expect(count).to_have_text(re.compile(r"^0 sites? trouvés?$"))
    expect(page.locator("#site-results")).to_contain_text("Aucun site ne correspond à ces filtres.")
    axe_check(page)

    page.get_by_role("link", name="Effacer les filtres").click()
    expect(page).to_have_url(re.compile(r"/sites/$"))
    expect(count).to_have_text("5 sites trouvés")
    expect(page.get_by_label("Commune")).to_have_value("")
    expect(page.get_by_label("Médiation")).to_have_value("")


def test_the_filter_form_works_without_javascript(new_page, mediator):
    page = new_page(javascript=False)
    sign_in(page, mediator.email)
    page.goto("/sites/")
    count = page.get_by_test_id("site-count")
    expect(count).to_have_text("5 sites trouvés")

    page.get_by_label("Département").select_option(label="03 – Allier")
    page.get_by_label("Type").select_option(label="Bureau de poste")
    page.get_by_role("button", name="Filtrer").click()

    expect(page).to_have_url(re.compile(r"/sites/\?departement=\d+&commune=&kind=bureau_de_poste"))
    expect(count).to_have_text("2 sites trouvés")
    assert _site_names(page) == ["Moulins principal", "Vichy Thermal"]
    expect(page.get_by_label("Type")).to_have_value("bureau_de_poste")
    axe_check_twin(page, new_page)

    page.get_by_label("Commune").fill("03310")
    page.get_by_role("button", name="Filtrer").click()
    expect(count).to_have_text("1 site trouvé")
    assert _site_names(page) == ["Vichy Thermal"]

    page.get_by_role("link", name="Effacer les filtres").click()
    expect(count).to_have_text("5 sites trouvés")
    expect(page.get_by_label("Type")).to_have_value("")


def test_back_from_a_site_returns_to_the_filtered_list_with_its_layout(page, mediator):
    sign_in(page, mediator.email)
    page.goto("/sites/")
    page.get_by_label("Type").select_option(label="Relais poste")
    expect(page.get_by_test_id("site-count")).to_have_text("1 site trouvé")

    page.get_by_role("link", name="Relais Montferrand").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Relais Montferrand")
    page.go_back()

    expect(page.get_by_role("heading", level=1)).to_have_text("Points de contact")
    expect(page.get_by_test_id("site-count")).to_have_text("1 site trouvé")
    expect(page.get_by_label("Type")).to_have_value("relais_poste")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Points de contact")
    expect(page.get_by_test_id("site-count")).to_have_text("1 site trouvé")
    axe_check(page)
