"""CSV and XLSX exports of the filtered interaction list, read back as a coordinator's spreadsheet would."""

import csv
import io
from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role
from tremplin.mediation.services import Person

from .helpers import follow, record

PARIS = ZoneInfo("Europe/Paris")
CSV_URL = reverse("mediation:interaction_export_csv")
XLSX_URL = reverse("mediation:interaction_export_xlsx")
SECRETS = ("Gertrude", "Zanzibar", "06 11 22 33 44", "gertrude@exemple.test")


def paris(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def records(work_a):
    off_shift = replace(work_a, shift=None)
    gertrude = follow(
        work_a,
        "Gertrude Zanzibar",
        phone="06 11 22 33 44",
        email="gertrude@exemple.test",
        consent_reminders=True,
    )
    followed = record(
        off_shift,
        kind="individual_accompaniment",
        started_at=paris(2026, 3, 1, 0, 30),
        minutes=35,
        domain="banking",
        themes=["email", "banque_et_achats_en_ligne"],
        equipment="tablette",
        autonomy="partiellement_autonome",
        oriented=True,
        orientation_target="aide_sociale",
        orientation_partner="CCAS de Moulins",
        people=[Person(beneficiary=gertrude), Person(is_first_time=True)],
        notes="Création de l'espace client",
    )
    forms = record(
        off_shift,
        kind="postal_forms",
        started_at=paris(2026, 3, 12, 16, 45),
        minutes=10,
        postal_form="procuration",
        place="bureau_de_poste",
    )
    old = record(off_shift, started_at=paris(2026, 1, 15), minutes=5)
    return {"followed": followed, "forms": forms, "old": old}


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


def read_csv(response) -> list[dict]:
    text = content_of(response).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def read_xlsx(response):
    return load_workbook(io.BytesIO(content_of(response)))


# --- CSV ----------------------------------------------------------------------------------------------


def test_the_csv_is_french_excel_ready_and_streamed(tenant_a, records):
    response = tenant_a.client(Role.COORDINATOR).get(CSV_URL, {"start": "2026-03-01", "end": "2026-03-31"})

    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="interactions_2026-03-01_2026-03-31.csv"'
    raw = content_of(response)
    assert raw.startswith("\ufeff".encode())
    header = raw.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[:8] == [
        "Identifiant",
        "Date",
        "Heure",
        "Site",
        "Identifiant du site",
        "Médiateur",
        "Type d'action (code)",
        "Type d'action",
    ]


def test_csv_rows_hold_codes_labels_paris_dates_and_minutes(tenant_a, records):
    response = tenant_a.client(Role.COORDINATOR).get(CSV_URL, {"start": "2026-03-01", "end": "2026-03-31"})

    rows = read_csv(response)
    assert [row["Identifiant"] for row in rows] == [str(records["forms"].pk), str(records["followed"].pk)]
    forms, followed = rows
    assert (followed["Date"], followed["Heure"]) == ("01/03/2026", "00:30")
    assert followed["Type d'action (code)"] == "individual_accompaniment"
    assert followed["Type d'action"] == "Accompagnement individualisé"
    assert followed["Catégorie de temps (code)"] == "digital_assistance"
    assert followed["Catégorie de temps"] == "Assistance numérique"
    assert (followed["Domaine (code)"], followed["Domaine"]) == ("banking", "Banque")
    assert followed["Thématiques (codes)"] == "banque_et_achats_en_ligne, email"
    assert followed["Thématiques"] == "Banque et achats en ligne, E-mail"
    assert followed["Durée (minutes)"] == "35"
    assert followed["Nombre de personnes"] == "2"
    assert followed["Premiers accompagnements"] == "2"
    assert (followed["Personnes suivies"], followed["Suivi ou anonyme"]) == ("1", "suivi et anonyme")
    assert (followed["Orienté"], followed["Orienté vers (code)"]) == ("oui", "aide_sociale")
    assert (followed["Orienté vers"], followed["Partenaire"]) == ("Aide sociale", "CCAS de Moulins")
    assert (followed["Matériel (code)"], followed["Autonomie (code)"]) == (
        "tablette",
        "partiellement_autonome",
    )
    assert followed["Autonomie"] == "Autonome avec guidage en cas de besoin"
    assert followed["Lieu (code)"] == "bureau_de_poste"
    assert followed["Notes"] == "Création de l'espace client"
    assert followed["Site"] == tenant_a.site.name
    assert (forms["Imprimé postal (code)"], forms["Imprimé postal"]) == ("procuration", "Procuration postale")
    assert (forms["Suivi ou anonyme"], forms["Orienté"], forms["Imprimé postal (code)"]) == (
        "anonyme",
        "non",
        "procuration",
    )
    assert forms["Catégorie de temps (code)"] == "client_information"


def test_an_export_names_no_beneficiary_and_gives_no_contact(tenant_a, records):
    client = tenant_a.client(Role.COORDINATOR)

    csv_text = content_of(client.get(CSV_URL)).decode("utf-8-sig")
    sheet = read_xlsx(client.get(XLSX_URL))["Interactions"]
    cells = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
    for secret in SECRETS:
        assert secret not in csv_text
        assert secret not in cells


def test_text_typed_by_people_is_never_run_as_a_formula(tenant_a, work_a):
    record(
        replace(work_a, shift=None),
        oriented=True,
        orientation_partner='=HYPERLINK("x")',
        notes="@SUM(A1)\x07",
    )
    client = tenant_a.client(Role.MEDIATOR)

    row = read_csv(client.get(CSV_URL))[0]
    assert (row["Partenaire"], row["Notes"]) == ('\'=HYPERLINK("x")', "'@SUM(A1)")
    sheet = read_xlsx(client.get(XLSX_URL))["Interactions"]
    header = [cell.value for cell in sheet[1]]
    partner = sheet.cell(row=2, column=header.index("Partenaire") + 1)
    assert (partner.value, partner.data_type) == ('=HYPERLINK("x")', "s")
    assert sheet.cell(row=2, column=header.index("Notes") + 1).value == "@SUM(A1)"


# --- XLSX -------------------------------------------------------------------------------------------------


def test_the_xlsx_has_one_sheet_a_bold_frozen_header_and_real_dates(tenant_a, records):
    response = tenant_a.client(Role.COORDINATOR).get(XLSX_URL, {"start": "2026-03-01", "end": "2026-03-31"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="interactions_2026-03-01_2026-03-31.xlsx"'
    workbook = read_xlsx(response)
    assert workbook.sheetnames == ["Interactions"]
    sheet = workbook["Interactions"]
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header[6:8] == ["Type d'action (code)", "Type d'action"]
    assert all(cell.font.bold for cell in sheet[1])
    rows = [dict(zip(header, values, strict=True)) for values in sheet.iter_rows(min_row=2, values_only=True)]
    assert [row["Identifiant"] for row in rows] == [records["forms"].pk, records["followed"].pk]
    followed = rows[1]
    assert followed["Date"] == datetime(2026, 3, 1)
    assert followed["Heure"] == time(0, 30)
    assert sheet.cell(row=3, column=2).number_format == "DD/MM/YYYY"
    assert followed["Durée (minutes)"] == 35
    assert followed["Nombre de personnes"] == 2
    assert followed["Thématiques"] == "Banque et achats en ligne, E-mail"
    assert followed["Suivi ou anonyme"] == "suivi et anonyme"


# --- Same filters, same scope -----------------------------------------------------------------------


def test_an_export_follows_the_filters_of_the_list(tenant_a, records):
    client = tenant_a.client(Role.COORDINATOR)

    rows = read_csv(client.get(CSV_URL, {"kind": "postal_forms"}))
    assert [row["Identifiant"] for row in rows] == [str(records["forms"].pk)]
    sheet = read_xlsx(client.get(XLSX_URL, {"beneficiary": "suivi"}))["Interactions"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [records["followed"].pk]


def test_an_export_without_a_period_is_named_up_to_today(tenant_a, records):
    response = tenant_a.client(Role.COORDINATOR).get(CSV_URL)

    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="interactions_debut_{today}.csv"'
    assert len(read_csv(response)) == 3


def test_a_mediator_exports_their_own_records_and_never_another_operators(tenant_a, records, work_b):
    theirs = record(replace(work_b, shift=None), started_at=paris(2026, 3, 3), notes="Note-de-B")

    for role in (Role.MEDIATOR, Role.COORDINATOR):
        text = content_of(tenant_a.client(role).get(CSV_URL)).decode("utf-8-sig")
        assert "Note-de-B" not in text
        assert str(theirs.site.name) not in text
    rows = read_csv(work_b.tenant.client(Role.MEDIATOR).get(CSV_URL))
    assert [row["Identifiant"] for row in rows] == [str(theirs.pk)]


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_wrong_filters_send_back_to_the_list_that_explains_them(tenant_a, records, url):
    client = tenant_a.client(Role.COORDINATOR)

    response = client.get(url, {"start": "2026-03-10", "end": "2026-03-01"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mediation:interaction_list')}?start=2026-03-10&end=2026-03-01"
    assert not JournalEntry.objects.filter(action="mediation.interactions.exported").exists()
    page = client.get(response["Location"]).content.decode()
    assert "La fin de la période doit suivre son début." in page


# --- Journal, memory ---------------------------------------------------------------------------------------


def test_an_export_is_journalled_with_codes_only(tenant_a, records):
    coordinator = tenant_a.members[Role.COORDINATOR].user
    client = tenant_a.client(Role.COORDINATOR)

    content_of(client.get(XLSX_URL, {"start": "2026-03-01", "kind": "individual_accompaniment"}))
    content_of(client.get(CSV_URL, {"site": tenant_a.site.pk, "beneficiary": "suivi"}))

    entries = JournalEntry.objects.filter(action="mediation.interactions.exported").order_by("pk")
    assert [(entry.actor, entry.operator) for entry in entries] == [(coordinator, tenant_a.operator)] * 2
    assert [entry.payload for entry in entries] == [
        {
            "format": "xlsx",
            "count": 1,
            "filters": {"start": "2026-03-01", "kind": "individual_accompaniment"},
        },
        {"format": "csv", "count": 1, "filters": {"site": tenant_a.site.pk, "beneficiary": "suivi"}},
    ]
    payloads = " ".join(str(entry.payload) for entry in entries)
    for secret in SECRETS:
        assert secret not in payloads


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_an_export_reads_the_database_in_a_fixed_number_of_queries(tenant_a, work_a, url):
    client = tenant_a.client(Role.MEDIATOR)
    off_shift = replace(work_a, shift=None)

    def queries() -> int:
        content_of(client.get(url))
        with CaptureQueriesContext(connection) as captured:
            content_of(client.get(url))
        return len(captured)

    record(off_shift, started_at=paris(2026, 4, 1), themes=["email"])
    few = queries()
    for day in range(2, 12):
        record(
            off_shift, started_at=paris(2026, 4, day), themes=["email", "sante"], people=[Person(), Person()]
        )
    assert queries() == few


def test_an_empty_export_still_has_its_header(tenant_a, work_a):
    response = tenant_a.client(Role.MEDIATOR).get(XLSX_URL, {"start": "2026-05-01", "end": "2026-05-31"})

    sheet = read_xlsx(response)["Interactions"]
    assert sheet.max_row == 1
    assert sheet.cell(row=1, column=1).value == "Identifiant"
    assert date(2026, 5, 1).isoformat() in response["Content-Disposition"]
