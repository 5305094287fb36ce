"""Reporting in Chromium: a funder drills down from their territory to a site; a coordinator downloads
the contract report; every page visited passes axe."""

import io

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from tremplin.core.roles import Role
from tremplin.core.tests.e2e_fixtures import TABLET, axe_check, sign_in_with_code

from .known import build

pytestmark = pytest.mark.e2e


def test_a_funder_drills_down_from_the_nation_to_a_site(page, tenant_a, tenant_b):
    world = build(tenant_a, tenant_b)
    sign_in_with_code(page, tenant_a.members[Role.FUNDER].user)
    page.get_by_role("link", name="Statistiques").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mon territoire")
    page.goto(f"{reverse('reporting:dashboard')}?du=2026-03&au=2026-03")
    expect(page.get_by_test_id("figure-hours")).to_have_text("8\u00a0h")
    axe_check(page)

    page.get_by_test_id("table-par-departement").get_by_role("link", name="03 – Département 03").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("03 – Département 03")
    axe_check(page)

    page.get_by_test_id("table-par-site").get_by_role("link", name=world.s1.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.s1.name)
    expect(page.get_by_test_id("figure-hours")).to_have_text("5\u00a0h")
    expect(page.get_by_role("navigation", name="Fil d’Ariane")).to_contain_text("03 – Département 03")
    axe_check(page)

    page.get_by_role("link", name="Carte").first.click()
    expect(page.get_by_test_id("map")).to_be_visible()
    axe_check(page)


def test_a_coordinator_downloads_the_contract_report(new_page, tenant_a, tenant_b):
    world = build(tenant_a, tenant_b)
    page = new_page(viewport=TABLET, has_touch=True)
    sign_in_with_code(page, tenant_a.members[Role.COORDINATOR].user)
    contract_page = reverse("reporting:scope", kwargs={"kind": "contract", "pk": world.contract.pk})
    page.goto(f"{contract_page}?du=2026-03&au=2026-03")
    axe_check(page)
    page.get_by_role("link", name="Compte rendu du contrat").click()
    expect(page.get_by_test_id("report-accompaniments")).to_have_text("7")
    page.get_by_label("Commentaire du coordinateur").fill("Un mois d'ouverture sans incident.")
    page.get_by_role("button", name="Enregistrer le commentaire").click()
    expect(page.get_by_test_id("report-comment")).to_have_text("Un mois d'ouverture sans incident.")
    axe_check(page)

    with page.expect_download() as download:
        page.get_by_test_id("download-pdf").click()
    assert download.value.suggested_filename == "compte-rendu_A-2026_2026-03_2026-03.pdf"
    with open(download.value.path(), "rb") as pdf:
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    assert "Un mois d'ouverture sans incident." in text
    assert "8\u00a0h" in text or "8 h" in text
