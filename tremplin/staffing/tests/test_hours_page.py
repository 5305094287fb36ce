"""The hours page of a contract shows the selectors' figures, in French, for the period asked."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from conftest import verified_client
from tremplin.accounts.tests.factories import MembershipFactory, UserFactory
from tremplin.core.roles import Role
from tremplin.staffing import selectors, services
from tremplin.staffing.models import MediatorProfile, Shift
from tremplin.staffing.templatetags.hours_format import minutes, percent, signed_minutes

PARIS = ZoneInfo("Europe/Paris")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def work(mediator, site, start: datetime, end: datetime) -> Shift:
    with time_machine.travel(start, tick=False):
        shift = services.shift_start(actor=None, mediator=mediator, site=site)
    with time_machine.travel(end, tick=False):
        return services.shift_end(actor=None, shift=shift, at=end)


@pytest.fixture
def worked(plan_a, tenant_a):
    """March 2026 on the small plan (Mondays 9:00–12:00 at the first site): two Mondays worked, one by a
    colleague, and an evening event at the second site that runs past midnight."""
    colleague = MediatorProfile.objects.create(
        user=UserFactory(last_name="Remplaçante"), operator=tenant_a.operator
    )
    work(plan_a.mediator, plan_a.site, at(2026, 3, 9, 9, 0), at(2026, 3, 9, 12, 30))
    work(plan_a.mediator, plan_a.other_site, at(2026, 3, 13, 22, 0), at(2026, 3, 14, 1, 30))
    work(colleague, plan_a.site, at(2026, 3, 16, 9, 0), at(2026, 3, 16, 11, 0))
    return colleague


def hours_url(plan, **params) -> str:
    url = reverse("staffing:contract_hours", args=[plan.contract.pk])
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{url}?{query}" if query else url


def cells(html: str, testid: str) -> list[list[str]]:
    """The text of each row of the table marked with data-testid."""
    table = re.search(rf'<table data-testid="{testid}">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def test_the_page_shows_the_selectors_figures(plan_a, tenant_a, worked):
    start, end = date(2026, 3, 1), date(2026, 3, 31)
    with time_machine.travel(at(2026, 3, 20, 10, 0), tick=False):
        response = tenant_a.client(Role.COORDINATOR).get(hours_url(plan_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Du 1 mars 2026 au 31 mars 2026" in html

    shifts = Shift.objects.filter(contract=plan_a.contract)
    total = selectors.hours_of_intervention(shifts, start, end)
    assert total == 210 + 210 + 120
    assert f'data-testid="hours-intervention">{minutes(total)}<' in html

    rows = selectors.planned_vs_worked(plan_a.contract, start, end)
    planned = sum(r.planned for r in rows)
    assert planned == 5 * 180  # five Mondays in March 2026
    assert f'data-testid="hours-planned">{minutes(planned)}<' in html
    assert f'data-testid="hours-gap">{signed_minutes(total - planned)}<' in html

    by_site = {row[0]: row[1:] for row in cells(html, "sites-table")}
    for site in (plan_a.site, plan_a.other_site):
        site_rows = [r for r in rows if r.site == site]
        site_planned, site_worked = sum(r.planned for r in site_rows), sum(r.worked for r in site_rows)
        assert by_site[site.name][1:] == [
            minutes(site_planned),
            minutes(site_worked),
            signed_minutes(site_worked - site_planned),
        ]
        assert site_worked == selectors.hours_of_intervention(shifts.filter(site=site), start, end)
    assert by_site["Total"] == [minutes(planned), minutes(total), signed_minutes(total - planned)]

    weeks = cells(html, f"weeks-{plan_a.other_site.pk}")
    week_of_the_event = next(row for row in weeks if "9 mars 2026" in row[0])
    assert week_of_the_event[1:] == [minutes(0), minutes(210), signed_minutes(210)]

    per_mediator = dict(row for row in cells(html, "intervention-mediators") if len(row) == 2)
    assert per_mediator[str(plan_a.mediator)] == minutes(420)
    assert per_mediator[str(worked)] == minutes(120)
    assert per_mediator["Total"] == minutes(total)

    [site_continuity] = [
        c for c in selectors.continuity(plan_a.contract, start, end) if c.site == plan_a.site
    ]
    continuity = {row[0]: row[1:] for row in cells(html, "continuity")}
    assert continuity[plan_a.site.name] == [
        str(plan_a.mediator),
        percent(site_continuity.share),
        minutes(330),
    ]
    assert percent(site_continuity.share) == "64\xa0%"  # 210 of 330 minutes
    assert continuity[plan_a.other_site.name] == [str(plan_a.mediator), "100\xa0%", minutes(210)]


def test_a_shift_over_midnight_counts_on_each_side_of_the_period_boundary(plan_a, tenant_a, worked):
    with time_machine.travel(at(2026, 3, 20, 10, 0), tick=False):
        response = tenant_a.client(Role.COORDINATOR).get(
            hours_url(plan_a, start="2026-03-01", end="2026-03-13")
        )
    hours = response.context["hours"]
    assert dict(hours.by_site)[plan_a.other_site] == 120  # 22:00 to midnight
    assert hours.intervention == 210 + 120
    assert f'data-testid="hours-intervention">{minutes(330)}<' in response.content.decode()


def test_the_presets_and_a_custom_period(plan_a, tenant_a, worked):
    client = tenant_a.client(Role.COORDINATOR)
    with time_machine.travel(at(2026, 4, 10, 10, 0), tick=False):
        html = client.get(hours_url(plan_a)).content.decode()
        assert "Du 1 avril 2026 au 30 avril 2026" in html
        assert "?start=2026-03-01&amp;end=2026-03-31" in html  # last month
        assert "?start=2026-01-01&amp;end=2026-04-10" in html  # the contract to date
        last_month = client.get(hours_url(plan_a, start="2026-03-01", end="2026-03-31"))
    assert last_month.context["hours"].intervention == 540


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-03-31", "end": "2026-03-01"}, "La fin de la période doit suivre son début."),
        ({"start": "2020-01-01", "end": "2026-03-01"}, "La période ne peut pas dépasser trois ans."),
        ({"start": "pas une date", "end": "2026-03-01"}, "Saisissez une date valide."),
    ],
)
def test_a_wrong_period_is_explained_in_french(plan_a, tenant_a, params, message):
    response = tenant_a.client(Role.COORDINATOR).get(hours_url(plan_a, **params))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["hours"] is None


def test_who_reads_the_hours(plan_a, tenant_a, tenant_b):
    client_coordinator = verified_client(
        MembershipFactory(operator=plan_a.contract.client, role=Role.COORDINATOR).user
    )
    assert client_coordinator.get(hours_url(plan_a)).status_code == 200
    assert tenant_a.client(Role.FUNDER).get(hours_url(plan_a)).status_code == 200
    assert tenant_a.client(Role.ADMIN).get(hours_url(plan_a)).status_code == 200
    assert tenant_a.client(Role.MEDIATOR).get(hours_url(plan_a)).status_code == 403
    assert tenant_b.client(Role.COORDINATOR).get(hours_url(plan_a)).status_code == 404
    assert tenant_b.client(Role.FUNDER).get(hours_url(plan_a)).status_code == 404


def test_a_funder_reads_only_the_hours_at_the_sites_of_their_departements(plan_a, tenant_a, tenant_b, worked):
    """A contract that also covers a site in another département: that département's funder reads the
    hours, the plan and the continuity of that site only."""
    from tremplin.staffing.tests.factories import ContractSiteFactory

    ContractSiteFactory(contract=plan_a.contract, site=tenant_b.site)
    work(plan_a.mediator, tenant_b.site, at(2026, 3, 11, 14, 0), at(2026, 3, 11, 15, 0))
    with time_machine.travel(at(2026, 3, 20, 10, 0), tick=False):
        html = tenant_b.client(Role.FUNDER).get(hours_url(plan_a)).content.decode()
        whole = tenant_a.client(Role.COORDINATOR).get(hours_url(plan_a)).content.decode()

    assert f'data-testid="hours-intervention">{minutes(60)}<' in html
    assert [row[0] for row in cells(html, "sites-table")[1:] if row and row[0] != "Total"] == [
        tenant_b.site.name
    ]
    assert plan_a.site.name not in html and plan_a.other_site.name not in html
    # The provider's coordinator still reads the whole contract.
    assert f'data-testid="hours-intervention">{minutes(210 + 210 + 120 + 60)}<' in whole
