"""The interaction list: who sees which records, every filter, wrong filters, totals, pages, htmx."""

import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tremplin.accounts.tests.factories import MembershipFactory
from tremplin.core.roles import Role
from tremplin.mediation.services import Person
from tremplin.staffing.models import MediatorProfile
from tremplin.territory.tests.factories import SiteFactory

from .helpers import follow, record

PARIS = ZoneInfo("Europe/Paris")
URL = reverse("mediation:interaction_list")


def paris(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {interaction.pk for interaction in response.context["page"].object_list}


@pytest.fixture
def colleague(tenant_a, work_a):
    """A second mediator of operator A, off shift, recording at tenant A's site."""
    membership = MembershipFactory(operator=tenant_a.operator, role=Role.MEDIATOR)
    membership.user.first_name, membership.user.last_name = "Camille", "Collègue"
    membership.user.save()
    profile = MediatorProfile.objects.create(user=membership.user, operator=tenant_a.operator)
    return replace(work_a, mediator=profile, shift=None)


@pytest.fixture
def annexe(tenant_a):
    return SiteFactory(commune=tenant_a.site.commune, name="Agence postale de Molinet")


@pytest.fixture
def records(work_a, colleague, annexe):
    """Operator A's records, each standing out by one filter."""
    off_shift = replace(work_a, shift=None)
    jeanne = follow(work_a, "Gertrude Zanzibar")
    return {
        "info": record(
            off_shift,
            started_at=paris(2026, 3, 2, 9, 5),
            minutes=10,
            domain="banking",
            themes=["email"],
            oriented=True,
            orientation_target="administration",
        ),
        "followed": record(
            off_shift,
            kind="individual_accompaniment",
            started_at=paris(2026, 3, 10, 14, 0),
            minutes=30,
            themes=["banque_et_achats_en_ligne", "email"],
            people=[Person(beneficiary=jeanne), Person()],
        ),
        # Half past midnight on 1 March in Paris is still February in UTC: it belongs to March.
        "annexe": record(
            replace(off_shift, site=annexe),
            kind="postal_forms",
            time_category="digital_assistance",
            started_at=paris(2026, 3, 1, 0, 30),
            minutes=45,
            domain="mail_parcel",
        ),
        "february": record(off_shift, started_at=paris(2026, 2, 28, 23, 30), minutes=5, domain="taxes"),
        "colleague": record(colleague, kind="conflict_prevention", started_at=paris(2026, 3, 5), minutes=15),
    }


@pytest.fixture
def other_operator(work_b):
    return record(replace(work_b, shift=None), started_at=paris(2026, 3, 3), notes="Note-de-B")


def ids(records, *names) -> set[int]:
    return {records[name].pk for name in names}


# --- Who sees what ------------------------------------------------------------------------------------


def test_a_mediator_lists_only_their_own_records(tenant_a, records, other_operator):
    response = tenant_a.client(Role.MEDIATOR).get(URL)

    assert listed(response) == ids(records, "info", "followed", "annexe", "february")
    page = response.content.decode()
    assert "<h1>Mes interactions</h1>" in page
    assert "Camille" not in page
    assert 'name="mediator"' not in page, "a mediator has no mediator filter"


def test_a_mediator_cannot_reach_a_colleague_through_the_mediator_parameter(tenant_a, records, colleague):
    response = tenant_a.client(Role.MEDIATOR).get(URL, {"mediator": colleague.mediator.pk})

    assert records["colleague"].pk not in listed(response)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_administrators_list_every_mediator_of_their_operator(
    tenant_a, records, other_operator, role
):
    response = tenant_a.client(role).get(URL)

    assert listed(response) == ids(records, *records)
    page = response.content.decode()
    assert "<h1>Interactions</h1>" in page
    assert "Camille Collègue" in page, "the mediator column names who recorded"
    assert "Note-de-B" not in page and "Opérateur B" not in page


def test_another_operators_records_never_appear(tenant_b, records, other_operator):
    response = tenant_b.client(Role.COORDINATOR).get(URL)

    assert listed(response) == {other_operator.pk}


@pytest.mark.parametrize(
    "name",
    ["mediation:interaction_list", "mediation:interaction_export_csv", "mediation:interaction_export_xlsx"],
)
def test_funders_read_figures_in_reporting_not_records(tenant_a, records, name):
    response = tenant_a.client(Role.FUNDER).get(reverse(name))

    assert response.status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, records):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/connexion/" in response["Location"]


# --- Filters ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"start": "2026-03-01", "end": "2026-03-31"}, ("info", "followed", "annexe", "colleague")),
        ({"start": "2026-02-01", "end": "2026-02-28"}, ("february",)),
        ({"start": "2026-03-06"}, ("followed",)),
        ({"end": "01/03/2026"}, ("annexe", "february")),
        ({"kind": "information_orientation"}, ("info", "february")),
        ({"kind": "conflict_prevention"}, ("colleague",)),
        ({"time_category": "digital_assistance"}, ("followed", "annexe")),
        ({"time_category": "client_information"}, ("info", "february", "colleague")),
        ({"domain": "banking"}, ("info",)),
        ({"domain": "taxes"}, ("february",)),
        ({"theme": "email"}, ("info", "followed")),
        ({"theme": "banque_et_achats_en_ligne"}, ("followed",)),
        ({"theme": "sante"}, ()),
        ({"oriented": "1"}, ("info",)),
        ({"oriented": "0"}, ("followed", "annexe", "february", "colleague")),
        ({"beneficiary": "suivi"}, ("followed",)),
        ({"beneficiary": "anonyme"}, ("info", "annexe", "february", "colleague")),
        ({"kind": "information_orientation", "start": "2026-03-01"}, ("info",)),
    ],
)
def test_each_filter_narrows_the_list(tenant_a, records, query, expected):
    response = tenant_a.client(Role.COORDINATOR).get(URL, query)

    assert listed(response) == ids(records, *expected)
    assert not response.context["form"].errors


def test_filter_by_site_and_by_mediator(tenant_a, records, annexe, colleague):
    client = tenant_a.client(Role.COORDINATOR)

    assert listed(client.get(URL, {"site": annexe.pk})) == ids(records, "annexe")
    assert listed(client.get(URL, {"mediator": colleague.mediator.pk})) == ids(records, "colleague")
    page = client.get(URL).content.decode()
    assert "Agence postale de Molinet — Ville 03" in page
    assert "Camille Collègue</option>" in page


def test_the_site_filter_offers_the_sites_where_a_mediator_records(tenant_a, work_a, tenant_b):
    """Before any record: the sites of their operator's contracts; never another operator's."""
    form = tenant_a.client(Role.MEDIATOR).get(URL).context["form"]

    assert list(form.fields["site"].queryset) == [tenant_a.site]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "2026-13-01"}, "start", "Saisissez une date valide"),
        ({"start": "demain"}, "start", "Saisissez une date valide"),
        ({"end": "0001-01-01"}, "end", "Choisissez une date entre 2000 et 2099."),
        ({"start": "2026-03-10", "end": "2026-03-01"}, "end", "La fin de la période doit suivre son début."),
        ({"kind": "tea_party"}, "kind", "Ce choix n'est pas proposé"),
        ({"time_category": "x"}, "time_category", "Ce choix n'est pas proposé"),
        ({"domain": "banking'--"}, "domain", "Ce choix n'est pas proposé"),
        ({"theme": "EMAIL"}, "theme", "Ce choix n'est pas proposé"),
        ({"site": "abc"}, "site", "Ce choix n'est pas proposé"),
        ({"site": "1\x00"}, "site", "Le caractère nul n’est pas autorisé."),
        ({"kind": "machines\x00"}, "kind", "Ce choix n'est pas proposé"),
        ({"mediator": "-1"}, "mediator", "Ce choix n'est pas proposé"),
        ({"oriented": "peut-être"}, "oriented", "Ce choix n'est pas proposé"),
        ({"beneficiary": "nom"}, "beneficiary", "Ce choix n'est pas proposé"),
    ],
)
def test_a_wrong_filter_is_explained_in_french_and_lists_nothing(tenant_a, records, query, field, message):
    response = tenant_a.client(Role.COORDINATOR).get(URL, query)

    assert listed(response) == set()
    assert any(message in error for error in response.context["form"].errors[field])
    page = response.content.decode()
    assert "Ces filtres ne sont pas valables" in page
    assert "Filtres à corriger : aucune interaction affichée." in page
    assert "Exporter en CSV" not in page


def test_another_operators_site_or_mediator_is_a_wrong_filter_not_a_leak(
    tenant_a, records, work_b, other_operator
):
    client = tenant_a.client(Role.COORDINATOR)

    for query in ({"site": work_b.site.pk}, {"mediator": work_b.mediator.pk}):
        response = client.get(URL, query)
        assert listed(response) == set()
        assert response.context["form"].errors


# --- Table, totals, presets, pages ---------------------------------------------------------------------


def test_rows_show_paris_time_and_link_to_edit_and_duplicate(tenant_a, records):
    page = tenant_a.client(Role.MEDIATOR).get(URL, {"site": records["annexe"].site_id}).content.decode()

    assert "dim 1 mars 2026, 0\u00a0h\u00a030" in page
    assert "Délivrance et aide à la rédaction des imprimés postaux" in page
    assert "0\u00a0h\u00a045" in page or "45\u00a0min" in page
    assert reverse("mediation:interaction_edit", args=[records["annexe"].pk]) in page
    assert reverse("mediation:interaction_duplicate", args=[records["annexe"].pk]) in page
    assert "l'interaction du 1 mars 2026 à 0\u00a0h\u00a030" in page


def test_totals_add_up_time_and_split_it_by_category(tenant_a, records):
    response = tenant_a.client(Role.COORDINATOR).get(URL, {"start": "2026-03-01", "end": "2026-03-31"})

    totals = response.context["totals"]
    # info 10 (client), followed 30 (digital), annexe 45 (digital, overridden), colleague 15 (client)
    assert (totals.count, totals.minutes) == (4, 100)
    assert (totals.digital_assistance, totals.client_information) == (75, 25)
    page = response.content.decode()
    assert "1\u00a0h\u00a040" in page
    assert "75\u00a0%" in page and "en assistance numérique (75 min)" in page
    assert "25\u00a0%" in page and "en information client (25 min)" in page
    assert "4 interactions trouvées" in page


def test_totals_of_an_empty_list_show_no_share(tenant_a, work_a):
    response = tenant_a.client(Role.MEDIATOR).get(URL)

    assert response.context["totals"].count == 0
    page = response.content.decode()
    assert re.search(r"0 interactions? trouvées?<", page)
    assert "Aucune interaction ne correspond à ces filtres." in page
    assert "—" in page


def test_period_presets_fill_this_week_this_month_and_last_month(tenant_a, work_a):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    client = tenant_a.client(Role.MEDIATOR)

    presets = {
        preset["label"]: preset for preset in client.get(URL, {"kind": "postal_forms"}).context["presets"]
    }

    assert set(presets) == {"Cette semaine", "Ce mois-ci", "Le mois dernier"}
    assert (
        f"start={monday.isoformat()}&end={(monday + timedelta(days=6)).isoformat()}"
        in presets["Cette semaine"]["query"]
    )
    assert "kind=postal_forms" in presets["Ce mois-ci"]["query"], "a preset keeps the other filters"
    response = client.get(f"{URL}?{presets['Le mois dernier']['query']}")
    assert response.context["form"].cleaned_data["start"] == last_month_end.replace(day=1)
    assert response.context["form"].cleaned_data["end"] == last_month_end
    current = [preset["label"] for preset in response.context["presets"] if preset["current"]]
    assert current == ["Le mois dernier"]
    assert 'aria-current="true">Le mois dernier</a>' in response.content.decode()


def test_export_links_carry_the_current_filters(tenant_a, records):
    page = tenant_a.client(Role.COORDINATOR).get(
        URL, {"kind": "postal_forms", "start": "2026-03-01", "page": "1"}
    )
    html = page.content.decode()

    assert f"{reverse('mediation:interaction_export_csv')}?start=2026-03-01&amp;kind=postal_forms" in html
    assert f"{reverse('mediation:interaction_export_xlsx')}?start=2026-03-01&amp;kind=postal_forms" in html


def test_the_list_is_paginated_newest_first_keeping_the_filters(tenant_a, work_a, settings):
    settings.TREMPLIN_PAGE_SIZE = 2
    off_shift = replace(work_a, shift=None)
    made = [record(off_shift, started_at=paris(2026, 4, day)) for day in range(1, 6)]
    client = tenant_a.client(Role.MEDIATOR)

    first = client.get(URL, {"kind": "information_orientation"})
    assert [row.pk for row in first.context["page"].object_list] == [made[4].pk, made[3].pk]
    assert "Page 1 sur 3" in first.content.decode()
    assert "?kind=information_orientation&amp;page=2" in first.content.decode()
    last = client.get(URL, {"kind": "information_orientation", "page": "3"})
    assert listed(last) == {made[0].pk}
    assert listed(client.get(URL, {"page": "abc"})) == {made[4].pk, made[3].pk}
    assert listed(client.get(URL, {"page": "99"})) == {made[0].pk}
    assert last.context["totals"].count == 5, "totals cover every page"


def test_the_number_of_queries_does_not_grow_with_the_rows(tenant_a, work_a, colleague):
    client = tenant_a.client(Role.COORDINATOR)
    off_shift = replace(work_a, shift=None)

    def queries() -> int:
        client.get(URL)  # warm the session and the membership label
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL)
        assert response.status_code == 200
        return len(captured)

    record(off_shift, started_at=paris(2026, 4, 1), themes=["email"])
    few = queries()
    for day in range(2, 12):
        who = colleague if day % 2 else off_shift
        record(who, started_at=paris(2026, 4, day), themes=["email", "sante"], people=[Person(), Person()])
    assert queries() == few


# --- htmx --------------------------------------------------------------------------------------------------


def test_htmx_gets_the_table_with_the_count_and_presets_out_of_band(tenant_a, records):
    response = tenant_a.client(Role.COORDINATOR).get(
        URL, {"kind": "conflict_prevention"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert "<html" not in html
    assert '<p id="interaction-count" hx-swap-oob="innerHTML">1 interaction trouvée</p>' in html
    assert 'id="interaction-presets"' in html and 'hx-swap-oob="true"' in html
    assert listed(response) == ids(records, "colleague")
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(tenant_a, records):
    response = tenant_a.client(Role.COORDINATOR).get(
        URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<html" in response.content.decode()


def test_a_wrong_filter_through_htmx_says_what_to_fix(tenant_a, records):
    response = tenant_a.client(Role.COORDINATOR).get(
        URL, {"start": "2026-03-10", "end": "2026-03-01"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Au : La fin de la période doit suivre son début." in html


def test_deleted_records_are_not_listed(tenant_a, records):
    from tremplin.mediation import services

    services.interaction_delete(actor=None, interaction=records["info"])

    assert records["info"].pk not in listed(tenant_a.client(Role.MEDIATOR).get(URL))


def test_dates_from_a_form_without_javascript_are_read_in_french_too(tenant_a, records):
    response = tenant_a.client(Role.MEDIATOR).get(URL, {"start": "01/03/2026", "end": "02/03/2026"})

    assert listed(response) == ids(records, "info", "annexe")
    assert response.context["form"].cleaned_data["start"] == date(2026, 3, 1)


def test_a_mediator_without_a_profile_yet_gets_an_empty_list(tenant_a, tenant_b, other_operator):
    response = tenant_a.client(Role.MEDIATOR).get(URL)

    assert listed(response) == set()
    assert list(response.context["form"].fields["site"].queryset) == []
