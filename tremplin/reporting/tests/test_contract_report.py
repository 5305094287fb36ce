"""The contract report: the page, its PDF and its XLSX carry the same figures; who may read and comment."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import verified_client
from tremplin.accounts.tests.factories import MembershipFactory
from tremplin.core.roles import Role

from .known import build

MARCH = "du=2026-03&au=2026-03"


@pytest.fixture
def world(tenant_a, tenant_b):
    return build(tenant_a, tenant_b)


def _url(world, name, suffix=MARCH):
    return f"{reverse(name, kwargs={'pk': world.contract.pk})}?{suffix}"


def _page_figures(html: str) -> dict:
    return {
        name: re.search(rf'data-testid="report-{name}">([^<]+)<', html).group(1).replace("\u00a0", " ")
        for name in ("hours", "accompaniments", "digital", "client", "people")
    }


def test_page_pdf_and_workbook_carry_the_same_figures(world):
    client = world.a.client(Role.COORDINATOR)
    page = client.get(_url(world, "reporting:contract_report"))
    figures = _page_figures(page.content.decode())
    assert figures == {
        "hours": "8 h",
        "accompaniments": "7",
        "digital": "75 %",
        "client": "25 %",
        "people": "6",
    }

    pdf = client.get(_url(world, "reporting:contract_report_pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).replace(
        "\u00a0", " "
    )
    assert "Compte rendu — A-2026" in text
    assert "Période : mars 2026" in text
    for value in figures.values():
        assert value in text
    assert "Bureau de S2" in text and "Types d'action" in text

    workbook = load_workbook(io.BytesIO(client.get(_url(world, "reporting:contract_report_xlsx")).content))
    headline = {
        row[0]: row[1]
        for row in workbook["Chiffres clés"].iter_rows(min_row=2, values_only=True)
        if row and row[0]
    }
    assert headline["Heures d'intervention"] == 8
    assert headline["Accompagnements"] == 7
    assert headline["Personnes accompagnées (estimation)"] == 6
    assert headline["Assistance numérique (part du temps)"] == pytest.approx(65 / 87)
    assert {"Par site", "Par mois", "Types d'action", "Thématiques"} <= set(workbook.sheetnames)
    sites = {
        row[0]: row for row in workbook["Par site"].iter_rows(min_row=2, values_only=True) if row and row[0]
    }
    assert sites["Bureau de S2"][1:4] == (3, 0, 2)  # 3 hours worked, none planned, 2 interactions


def test_the_provider_comments_the_client_reads(world):
    coordinator = world.a.client(Role.COORDINATOR)
    coordinator.post(
        _url(world, "reporting:contract_report_comment"), {"text": "Mois calme, Lens fermé deux jours."}
    )
    assert "Mois calme" in coordinator.get(_url(world, "reporting:contract_report")).content.decode()

    client_coordinator = MembershipFactory(operator=world.contract.client, role=Role.COORDINATOR)
    reader = verified_client(client_coordinator.user)
    page = reader.get(_url(world, "reporting:contract_report")).content.decode()
    assert "Mois calme" in page
    assert "Enregistrer le commentaire" not in page
    assert reader.post(_url(world, "reporting:contract_report_comment"), {"text": "non"}).status_code == 404
    workbook = load_workbook(io.BytesIO(reader.get(_url(world, "reporting:contract_report_xlsx")).content))
    assert workbook["Commentaire"]["A2"].value == "Mois calme, Lens fermé deux jours."


def test_mediators_and_other_operators_do_not_read_it(world):
    assert world.a.client(Role.MEDIATOR).get(_url(world, "reporting:contract_report")).status_code == 404
    assert (
        world.b.client(Role.COORDINATOR).get(_url(world, "reporting:contract_report_pdf")).status_code == 404
    )


def test_a_wrong_period_is_explained_and_no_file_is_made(world):
    client = world.a.client(Role.COORDINATOR)
    page = client.get(_url(world, "reporting:contract_report", "du=2026-04&au=2026-01"))
    assert "Le dernier mois doit suivre le premier." in page.content.decode()
    assert (
        client.get(_url(world, "reporting:contract_report_pdf", "du=2026-04&au=2026-01")).status_code == 302
    )
