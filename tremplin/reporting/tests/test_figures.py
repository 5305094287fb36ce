"""Every figure of a small world with known answers (see known.py), on SQLite and PostgreSQL."""

from datetime import date

import pytest
from django.db.models import Count, Sum

from tremplin.accounts.selectors import viewer_for_membership
from tremplin.core.roles import Role
from tremplin.mediation import services as mediation_services
from tremplin.mediation.models import Accompaniment, Interaction
from tremplin.reporting import selectors
from tremplin.reporting.aggregates import aggregates_rebuild, aggregates_refresh
from tremplin.reporting.models import Change, ScopeKind, SiteMonth
from tremplin.reporting.periods import Period
from tremplin.reporting.scopes import NATION, Scope, scope_for
from tremplin.staffing import selectors as staffing_selectors
from tremplin.staffing import services as staffing_services
from tremplin.staffing.models import Shift

from .known import at, build

MARCH = Period(date(2026, 3, 1), date(2026, 3, 1))
APRIL = Period(date(2026, 4, 1), date(2026, 4, 1))


def viewer(tenant, role):
    membership = tenant.members[role]
    return viewer_for_membership(membership.user, membership)


@pytest.fixture
def world(tenant_a, tenant_b):
    return build(tenant_a, tenant_b)


def test_march_at_operator_a_adds_up_exactly(world):
    figures = selectors.figures(viewer(world.a, Role.COORDINATOR), NATION, MARCH)

    assert figures.worked_minutes == 180 + 120 + 180  # the overnight shift's March part only
    assert figures.shifts == 3
    assert figures.interactions == 5  # the deleted record is not counted
    assert figures.minutes == 10 + 30 + 20 + 15 + 12
    assert (figures.digital_minutes, figures.client_minutes) == (65, 22)
    assert figures.digital_share == pytest.approx(65 / 87)
    assert figures.accompaniments == 7  # the group of three counts three people
    assert (figures.followed_accompaniments, figures.anonymous_accompaniments) == (2, 5)
    assert figures.followed_people == 1  # Jeanne came twice, she is one person
    assert figures.people == 6
    assert figures.first_time == 1
    assert figures.oriented == 1


def test_hours_agree_with_the_staffing_definition(world):
    shifts = Shift.objects.filter(contract=world.contract)
    for period in (MARCH, APRIL, Period(date(2026, 3, 1), date(2026, 4, 1))):
        figures = selectors.figures(
            viewer(world.a, Role.COORDINATOR), Scope(ScopeKind.CONTRACT, world.contract), period
        )
        assert figures.worked_minutes == staffing_selectors.hours_of_intervention(
            shifts, period.start, period.end
        )
    april = selectors.figures(viewer(world.a, Role.COORDINATOR), NATION, APRIL)
    assert (april.worked_minutes, april.interactions, april.first_time) == (150, 1, 1)


def test_breakdowns_count_interactions_people_and_themes(world):
    v = viewer(world.a, Role.COORDINATOR)
    tables = {b.dimension: b for b in selectors.breakdowns(v, NATION, MARCH)}

    kinds = {row.code: (row.records, row.minutes, row.people) for row in tables["kind"].rows}
    assert kinds == {
        "information_orientation": (2, 22, 2),
        "individual_accompaniment": (2, 45, 2),
        "machines_and_tools": (1, 20, 3),
    }
    assert {row.code: row.records for row in tables["theme"].rows} == {
        "email": 1,
        "banque_et_achats_en_ligne": 1,
    }
    assert {row.code: row.records for row in tables["orientation"].rows} == {"guichet_la_poste": 1}
    ages = {row.code: row.records for row in tables["age"].rows}
    assert ages["soixante_soixante_neuf"] == 1
    assert ages["soixante_dix_plus"] == 2  # Jeanne, born in 1950, twice: accompaniments, not people
    assert sum(ages.values()) == 7
    assert tables["kind"].rows[0].share == pytest.approx(2 / 5)


def test_per_site_month_and_mediator(world):
    v = viewer(world.a, Role.COORDINATOR)
    kind, sites = selectors.children(v, Scope(ScopeKind.CONTRACT, world.contract), MARCH)
    by_name = {row.label: row.figures for row in sites}
    assert kind == ScopeKind.SITE
    assert (by_name[world.s1.name].worked_minutes, by_name[world.s1.name].interactions) == (300, 3)
    assert (by_name["Bureau de S2"].worked_minutes, by_name["Bureau de S2"].interactions) == (180, 2)
    months = selectors.by_month(v, NATION, Period(date(2026, 2, 1), date(2026, 4, 1)))
    assert [(row.key, row.figures.interactions) for row in months] == [
        (date(2026, 2, 1), 0),
        (date(2026, 3, 1), 5),
        (date(2026, 4, 1), 1),
    ]
    _kind, mediators = selectors.children(v, Scope(ScopeKind.SITE, world.s1), MARCH)
    assert [(row.scope.obj, row.figures.worked_minutes) for row in mediators] == [(world.mediator, 300)]


def test_the_mediator_scope_computed_from_raw_rows_matches_the_tables(world):
    v = viewer(world.a, Role.MEDIATOR)
    scope = scope_for(v, ScopeKind.MEDIATOR, world.mediator.pk)
    mine = selectors.figures(v, scope, MARCH)
    everything = selectors.figures(viewer(world.a, Role.COORDINATOR), NATION, MARCH)
    assert (mine.worked_minutes, mine.interactions, mine.people) == (480, 5, 6)
    assert mine.minutes == everything.minutes
    start, end, week = selectors.mediator_week(v, scope, day=date(2026, 3, 11))
    assert (start, end) == (date(2026, 3, 9), date(2026, 3, 15))
    assert (week.worked_minutes, week.interactions, week.accompaniments) == (180, 2, 2)


def test_each_viewer_counts_only_what_they_may(world):
    funder_a = selectors.figures(viewer(world.a, Role.FUNDER), NATION, MARCH)
    coordinator_b = selectors.figures(viewer(world.b, Role.COORDINATOR), NATION, MARCH)
    assert (funder_a.worked_minutes, funder_a.interactions) == (480, 5)
    assert (coordinator_b.worked_minutes, coordinator_b.interactions, coordinator_b.minutes) == (60, 1, 8)
    assert scope_for(viewer(world.a, Role.COORDINATOR), ScopeKind.SITE, world.b.site.pk) is None
    assert scope_for(viewer(world.a, Role.FUNDER), ScopeKind.DEPARTEMENT, world.b.departement.pk) is None
    assert scope_for(viewer(world.a, Role.MEDIATOR), ScopeKind.NATION, None) is None


def test_corrections_deletions_restores_and_merges_are_followed(world):
    v = viewer(world.a, Role.COORDINATOR)
    shift = Shift.objects.get(site=world.s2)
    staffing_services.shift_correct(
        actor=world.a.members[Role.COORDINATOR].user,
        shift=shift,
        started_at=at(2026, 3, 10, 13),
        ended_at=at(2026, 3, 10, 17),
        reason="oubli",
    )
    interaction = Interaction.objects.get(duration_minutes=5)
    mediation_services.interaction_restore(actor=None, interaction=interaction)
    twin = mediation_services.beneficiary_create(
        actor=world.mediator.user, mediator=world.mediator, consent_given=True, display_name="Jeanne B"
    )
    Accompaniment.objects.filter(interaction=interaction).update(beneficiary=twin)

    figures = selectors.figures(v, NATION, MARCH)
    assert (figures.worked_minutes, figures.interactions, figures.followed_people) == (540, 6, 2)
    mediation_services.beneficiary_merge(actor=None, keep=world.jeanne, duplicate=twin)
    assert selectors.figures(v, NATION, MARCH).followed_people == 1


def test_bulk_writes_are_caught_by_the_triggers_and_a_rebuild_changes_nothing(world):
    v = viewer(world.a, Role.COORDINATOR)
    selectors.figures(v, NATION, MARCH)
    assert not Change.objects.exists()
    Interaction.objects.filter(duration_minutes=30).update(duration_minutes=40)
    Interaction.objects.filter(duration_minutes=10).update(deleted_at=at(2026, 3, 20, 9))
    assert Change.objects.exists()
    figures = selectors.figures(v, NATION, MARCH)
    assert (figures.interactions, figures.minutes) == (4, 87 - 10 + 10)

    before = list(
        SiteMonth.objects.order_by("site_id", "month", "mediator_id").values_list(
            "site_id", "month", "worked_us", "interactions", "minutes", "accompaniments"
        )
    )
    aggregates_rebuild()
    after = list(
        SiteMonth.objects.order_by("site_id", "month", "mediator_id").values_list(
            "site_id", "month", "worked_us", "interactions", "minutes", "accompaniments"
        )
    )
    assert after == before
    assert aggregates_refresh() == 0


def test_figures_equal_a_direct_count_of_the_raw_rows(world):
    """The national administrator's figures against plain ORM counts over the raw tables."""
    from tremplin.accounts.tests.factories import UserFactory
    from tremplin.core.tenancy import Viewer

    admin = Viewer(user_id=UserFactory(is_superuser=True).pk, is_platform_admin=True)
    figures = selectors.figures(admin, NATION, MARCH)
    march = Interaction.objects.alive().filter(started_at__gte=at(2026, 3, 1), started_at__lt=at(2026, 4, 1))
    assert figures.interactions == march.count()
    assert figures.minutes == march.aggregate(total=Sum("duration_minutes"))["total"]
    assert figures.accompaniments == Accompaniment.objects.filter(interaction__in=march).count()
    kinds = next(b for b in selectors.breakdowns(admin, NATION, MARCH) if b.dimension == "kind")
    direct = dict(march.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    assert {row.code: row.records for row in kinds.rows} == direct
    assert direct["information_orientation"] == 3  # two of A's, one of B's


def test_a_person_seen_in_two_departements_is_one_person_nationally_and_one_in_each(world):
    """Distinct people from the per-month counts (national, départemental) equal the direct count."""
    from tremplin.accounts.tests.factories import UserFactory
    from tremplin.core.tenancy import Viewer
    from tremplin.mediation.services import InteractionData, Person

    mediation_services.interaction_record(
        actor=world.mediator.user,
        mediator=world.mediator,
        data=InteractionData(
            kind="individual_accompaniment",
            site=world.b.site,
            started_at=at(2026, 4, 20, 10),
            duration_minutes=20,
            people=[Person(beneficiary=world.jeanne)],
        ),
    )
    admin = Viewer(user_id=UserFactory(is_superuser=True).pk, is_platform_admin=True)
    spring = Period(date(2026, 3, 1), date(2026, 4, 1))
    assert selectors.figures(admin, NATION, spring).followed_people == 1
    assert selectors.figures(admin, NATION, APRIL).followed_people == 1
    _kind, rows = selectors.children(admin, NATION, spring)
    assert {row.scope.obj.code: row.figures.followed_people for row in rows} == {"03": 1, "92": 1}
    months = selectors.by_month(admin, NATION, spring)
    assert [row.figures.followed_people for row in months] == [1, 1]
    funder = viewer(world.a, Role.FUNDER)
    assert (
        selectors.figures(funder, NATION, spring).people == 1 + 5 + 1
    )  # Jeanne, March's 5 anonymous, April's 1
    aggregates_rebuild()
    assert selectors.figures(admin, NATION, spring).followed_people == 1
    _kind, rows = selectors.children(admin, NATION, spring)
    assert {row.scope.obj.code: row.figures.followed_people for row in rows} == {"03": 1, "92": 1}
