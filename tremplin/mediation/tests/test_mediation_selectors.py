"""What each person may read of the mediation records, and what the quick-record screen offers first."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tremplin.accounts.models import Membership
from tremplin.accounts.selectors import viewer_for_membership
from tremplin.accounts.tests.factories import MembershipFactory, UserFactory
from tremplin.core.roles import Role
from tremplin.mediation import selectors, services
from tremplin.mediation.models import Beneficiary
from tremplin.mediation.services import InteractionData, Person
from tremplin.staffing import services as staffing_services
from tremplin.staffing.models import MediatorProfile
from tremplin.staffing.tests.factories import ContractFactory, ContractSiteFactory, RotationFactory
from tremplin.territory.tests.factories import SiteFactory

from .helpers import AtWork, at_work, follow, record

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
#: A Monday morning; every test of this module happens then.
NOW = datetime(2026, 3, 9, 10, 30, tzinfo=PARIS)
STRUCTURE = Beneficiary.ConsentScope.STRUCTURE


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def work(clock, tenant_a):
    return at_work(tenant_a)


@pytest.fixture
def colleague(work) -> AtWork:
    """A second mediator of tenant A's operator, on shift at the same site."""
    membership = MembershipFactory(operator=work.tenant.operator, role=Role.MEDIATOR)
    mediator = MediatorProfile.objects.create(user=membership.user, operator=work.tenant.operator)
    shift = staffing_services.shift_start(
        actor=membership.user, mediator=mediator, site=work.site, at=NOW - timedelta(minutes=30)
    )
    return AtWork(tenant=work.tenant, mediator=mediator, site=work.site, shift=shift)


def viewer(tenant, role):
    membership = tenant.members[role]
    return viewer_for_membership(membership.user, membership)


def viewer_of(work: AtWork):
    membership = Membership.objects.get(user=work.user, operator=work.tenant.operator)
    return viewer_for_membership(work.user, membership)


def at(work: AtWork, when: datetime, **fields):
    """A record made at `when`, outside a shift (a past day, or the same day after the shift)."""
    interaction, _created = services.interaction_record(
        actor=work.user,
        mediator=work.mediator,
        data=InteractionData(
            kind=fields.pop("kind", "information_orientation"),
            site=fields.pop("site", work.site),
            started_at=when,
            duration_minutes=10,
            **fields,
        ),
    )
    return interaction


# ---------------------------------------------------------------------------------------------
# Interactions: who reads what
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def records(work, colleague, work_b):
    return {
        "mine": record(work),
        "colleague": record(colleague),
        "other_operator": record(work_b),
    }


def _names(queryset, records) -> set[str]:
    pks = set(queryset.values_list("pk", flat=True))
    return {name for name, interaction in records.items() if interaction.pk in pks}


def test_a_mediator_reads_only_their_own_records(work, colleague, records):
    assert _names(selectors.interactions_visible_to(viewer_of(work)), records) == {"mine"}
    assert _names(selectors.interactions_visible_to(viewer_of(colleague)), records) == {"colleague"}
    assert _names(selectors.interactions_editable_by(viewer_of(work)), records) == {"mine"}


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_administrators_read_their_operator_s_records(tenant_a, tenant_b, records, role):
    assert _names(selectors.interactions_visible_to(viewer(tenant_a, role)), records) == {"mine", "colleague"}
    assert _names(selectors.interactions_editable_by(viewer(tenant_a, role)), records) == {
        "mine",
        "colleague",
    }
    assert _names(selectors.interactions_visible_to(viewer(tenant_b, role)), records) == {"other_operator"}


def test_a_funder_reads_no_individual_record_even_in_their_departement(tenant_a, records):
    funder = viewer(tenant_a, Role.FUNDER)

    assert funder.departement_ids
    assert not selectors.interactions_visible_to(funder).exists()
    assert not selectors.interactions_for_list(funder).exists()


def test_a_platform_administrator_without_membership_reads_every_record(records):
    staff = UserFactory(is_staff=True, is_superuser=True)

    assert _names(selectors.interactions_visible_to(viewer_for_membership(staff, None)), records) == set(
        records
    )


def test_deleted_records_are_read_by_nobody(work, tenant_a, records):
    services.interaction_delete(actor=work.user, interaction=records["mine"])

    assert _names(selectors.interactions_visible_to(viewer_of(work)), records) == set()
    assert _names(selectors.interactions_visible_to(viewer(tenant_a, Role.COORDINATOR)), records) == {
        "colleague"
    }


def test_the_list_costs_the_same_queries_for_three_records_or_thirty(work, tenant_a):
    coordinator = viewer(tenant_a, Role.COORDINATOR)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            for interaction in selectors.interactions_for_list(coordinator):
                str(interaction.site), str(interaction.mediator.user)
                list(interaction.themes.all()), list(interaction.accompaniments.all())
        return len(captured)

    for _ in range(3):
        record(work, themes=["email", "sante"], people=[Person(beneficiary=follow(work)), Person()])
    few = queries()
    for _ in range(27):
        record(work, themes=["email"], people=[Person(), Person()])
    assert queries() == few


# ---------------------------------------------------------------------------------------------
# Followed beneficiaries: who reads whom
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def people(work, colleague, work_b):
    return {
        "mine": follow(work, "Jeanne"),
        "mine_structure": follow(work, "Lucien", scope=STRUCTURE),
        "colleague": follow(colleague, "Odette"),
        "colleague_structure": follow(colleague, "Marcel", scope=STRUCTURE),
        "other_operator_structure": follow(work_b, "Paulette", scope=STRUCTURE),
    }


def _who(queryset, people) -> set[str]:
    pks = set(queryset.values_list("pk", flat=True))
    return {name for name, beneficiary in people.items() if beneficiary.pk in pks}


def test_a_mediator_reads_their_own_followed_people_and_those_followed_by_the_whole_structure(
    work, colleague, people
):
    assert _who(selectors.beneficiaries_visible_to(viewer_of(work)), people) == {
        "mine",
        "mine_structure",
        "colleague_structure",
    }
    assert _who(selectors.beneficiaries_visible_to(viewer_of(colleague)), people) == {
        "colleague",
        "colleague_structure",
        "mine_structure",
    }


def test_a_mediator_never_reads_another_operator_s_people_even_followed_by_their_structure(work_b, people):
    assert _who(selectors.beneficiaries_visible_to(viewer_of(work_b)), people) == {"other_operator_structure"}


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_administrators_read_all_their_operator_s_followed_people(tenant_a, people, role):
    assert _who(selectors.beneficiaries_visible_to(viewer(tenant_a, role)), people) == {
        "mine",
        "mine_structure",
        "colleague",
        "colleague_structure",
    }
    assert _who(selectors.beneficiaries_mergeable_by(viewer(tenant_a, role)), people) == {
        "mine",
        "mine_structure",
        "colleague",
        "colleague_structure",
    }


def test_funders_read_no_followed_person_and_mediators_merge_none(work, tenant_a, people):
    assert not selectors.beneficiaries_visible_to(viewer(tenant_a, Role.FUNDER)).exists()
    assert not selectors.beneficiaries_mergeable_by(viewer_of(work)).exists()


def test_merged_and_anonymised_people_are_no_longer_listed(work, tenant_a, people):
    services.beneficiary_merge(actor=work.user, keep=people["mine"], duplicate=people["mine_structure"])
    services.beneficiary_anonymise(
        actor=work.user, beneficiary=people["colleague"], reason="consent_withdrawn"
    )

    assert _who(selectors.beneficiaries_visible_to(viewer(tenant_a, Role.COORDINATOR)), people) == {
        "mine",
        "colleague_structure",
    }


def test_a_history_lists_the_visits_of_the_person_across_the_structure_but_not_the_deleted(
    work, colleague, tenant_a
):
    lucien = follow(work, "Lucien", scope=STRUCTURE)
    mine = record(work, people=[Person(beneficiary=lucien)])
    theirs = record(colleague, people=[Person(beneficiary=lucien)])
    gone = at(work, NOW - timedelta(days=3), people=[Person(beneficiary=lucien)])
    record(work)
    services.interaction_delete(actor=work.user, interaction=gone)

    assert set(selectors.beneficiary_history(viewer_of(colleague), lucien)) == {mine, theirs}
    assert set(selectors.beneficiary_history(viewer(tenant_a, Role.COORDINATOR), lucien)) == {mine, theirs}
    assert not selectors.beneficiary_history(viewer(tenant_a, Role.FUNDER), lucien).exists()


def test_no_history_of_a_person_the_viewer_may_not_read(work, colleague, work_b):
    odette = follow(colleague, "Odette")
    record(colleague, people=[Person(beneficiary=odette)])

    assert list(selectors.beneficiary_history(viewer_of(colleague), odette))
    assert not selectors.beneficiary_history(viewer_of(work), odette).exists()
    assert not selectors.beneficiary_history(viewer_of(work_b), odette).exists()


# ---------------------------------------------------------------------------------------------
# Finding a followed person
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def directory(work):
    names = ("Joséphine", "Joël Martin", "Anne Marie", "Marcel", "Omar", "Éloïse", "Emma")
    return {name: follow(work, name) for name in names}


def _found(viewer_, query, **kwargs) -> list[str]:
    return [b.display_name for b in selectors.beneficiary_search(viewer_, query, **kwargs)]


def test_a_search_starts_from_two_letters(work, directory):
    assert _found(viewer_of(work), "j") == []
    assert _found(viewer_of(work), " ") == []
    assert _found(viewer_of(work), "jo") == ["Joël Martin", "Joséphine"]


def test_a_search_ignores_accents_case_and_spaces(work, directory):
    mine = viewer_of(work)

    assert _found(mine, "JOSE") == ["Joséphine"]
    assert _found(mine, "elo") == ["Éloïse"]
    assert _found(mine, "éLoÏ") == ["Éloïse"]
    assert _found(mine, "  joël   mar ") == ["Joël Martin"]


def test_names_starting_with_the_letters_come_before_names_only_containing_them(work, directory):
    assert _found(viewer_of(work), "mar") == ["Anne Marie", "Joël Martin", "Marcel", "Omar"]
    assert _found(viewer_of(work), "ma") == ["Anne Marie", "Joël Martin", "Marcel", "Emma", "Omar"]
    assert _found(viewer_of(work), "ma", limit=2) == ["Anne Marie", "Joël Martin"]
    assert _found(viewer_of(work), "ma", limit=4) == ["Anne Marie", "Joël Martin", "Marcel", "Emma"]


def test_a_search_finds_nobody_the_viewer_may_not_read(work, colleague, work_b, directory):
    follow(colleague, "Joseph")
    follow(work_b, "Josette", scope=STRUCTURE)

    assert _found(viewer_of(work), "jos") == ["Joséphine"]
    assert _found(viewer_of(colleague), "jos") == ["Joseph"]
    assert _found(viewer(work.tenant, Role.FUNDER), "jos") == []


# ---------------------------------------------------------------------------------------------
# A new person who looks like one already followed
# ---------------------------------------------------------------------------------------------


def _similar(viewer_, name, year, **kwargs) -> list[str]:
    return [str(b) for b in selectors.similar_beneficiaries(viewer_, name, year, **kwargs)]


def test_a_close_name_born_within_a_year_is_flagged(work):
    follow(work, "Jeanne", year=1948)
    follow(work, "Paulette", year=1948)
    mine = viewer_of(work)

    assert _similar(mine, "Jeane", 1949) == ["Jeanne (1948)"]
    assert _similar(mine, "jeanne", 1947) == ["Jeanne (1948)"]
    assert _similar(mine, "JEANNE", None) == ["Jeanne (1948)"]
    assert _similar(mine, "Jeanne Dubois", 1948) == ["Jeanne (1948)"]
    assert _similar(mine, "Jeane", 1950) == []
    assert _similar(mine, "Jeane", 1946) == []
    assert _similar(mine, "Bernard", 1948) == []
    assert _similar(mine, "J", 1948) == []


def test_a_person_without_a_year_is_flagged_whatever_the_year_given(work):
    follow(work, "Jeanne", year=None)

    assert _similar(viewer_of(work), "Jeane", 1990) == ["Jeanne"]


def test_the_person_being_edited_is_not_their_own_duplicate(work):
    jeanne = follow(work, "Jeanne", year=1948)

    assert _similar(viewer_of(work), "Jeanne", 1948, exclude_pk=jeanne.pk) == []


def test_the_warning_never_reveals_a_person_the_viewer_may_not_read(work, colleague, work_b):
    follow(colleague, "Jeanne", year=1948)
    follow(work_b, "Jeanne", year=1948, scope=STRUCTURE)

    assert _similar(viewer_of(work), "Jeanne", 1948) == []
    assert _similar(viewer(work.tenant, Role.COORDINATOR), "Jeanne", 1948) == ["Jeanne (1948)"]


def test_closer_names_come_first(work):
    follow(work, "Jean", year=1950)
    follow(work, "Jeannot", year=1950)
    follow(work, "Jeanne", year=1950)

    assert _similar(viewer_of(work), "Jeanne", 1950)[0] == "Jeanne (1950)"


# ---------------------------------------------------------------------------------------------
# The quick-record screen: where, which shift, which themes first, the last records
# ---------------------------------------------------------------------------------------------


def _elsewhere(work, name="Agence postale de la Gare"):
    """Another site of the mediator's operator, under a contract in force."""
    site = SiteFactory(commune=work.site.commune, name=name)
    contract = ContractFactory(operator=work.tenant.operator)
    ContractSiteFactory(contract=contract, site=site)
    return site, contract


def test_the_sites_a_mediator_records_at_are_their_contracts_and_shifts(work, work_b):
    elsewhere, _contract = _elsewhere(work)
    foreign = work_b.site

    assert list(selectors.recording_sites_for(work.mediator)) == [elsewhere, work.site]
    assert foreign not in selectors.recording_sites_for(work.mediator)


def test_during_a_shift_the_record_goes_to_the_shift_and_its_site(work):
    _elsewhere(work)

    context = selectors.recording_context(work.mediator)

    assert (context.shift, context.site) == (work.shift, work.site)
    assert len(context.sites) == 2


def test_a_forgotten_shift_is_not_offered_and_the_site_comes_from_today_s_plan(clock, tenant_a):
    yesterday = NOW - timedelta(days=1)
    work = at_work(tenant_a, at=yesterday.replace(hour=9, minute=0))
    elsewhere, contract = _elsewhere(work)
    RotationFactory(contract=contract, mediator=work.mediator, site=elsewhere, weekday=NOW.weekday())

    context = selectors.recording_context(work.mediator)

    assert work.shift.is_open
    assert context.shift is None
    assert context.site == elsewhere


def test_a_forgotten_shift_without_a_plan_today_leaves_its_site_as_the_likely_one(clock, tenant_a):
    work = at_work(tenant_a, at=(NOW - timedelta(days=1)).replace(hour=9, minute=0))
    _elsewhere(work)

    context = selectors.recording_context(work.mediator)

    assert (context.shift, context.site) == (None, work.site)


def test_without_a_shift_today_s_presence_gives_the_site(tenant_a, clock):
    work = at_work(tenant_a, start_shift=False)
    elsewhere, contract = _elsewhere(work)
    RotationFactory(
        contract=contract,
        mediator=work.mediator,
        site=elsewhere,
        weekday=NOW.weekday(),
        starts_at=time(14, 0),
        ends_at=time(17, 0),
    )

    context = selectors.recording_context(work.mediator)

    assert (context.shift, context.site) == (None, elsewhere)


def test_without_shift_or_plan_the_last_shift_s_site_is_offered(tenant_a, clock):
    work = at_work(tenant_a, start_shift=False)
    elsewhere, _contract = _elsewhere(work)
    last_week = NOW - timedelta(days=7)
    shift = staffing_services.shift_start(
        actor=work.user, mediator=work.mediator, site=elsewhere, at=last_week
    )
    staffing_services.shift_end(actor=work.user, shift=shift, at=last_week + timedelta(hours=3))

    context = selectors.recording_context(work.mediator)

    assert (context.shift, context.site) == (None, elsewhere)


def test_with_a_single_site_and_nothing_else_that_site_is_offered(tenant_a, clock):
    work = at_work(tenant_a, start_shift=False)

    assert selectors.recording_context(work.mediator).site == work.site
    _elsewhere(work)
    assert selectors.recording_context(work.mediator).site is None


def test_without_history_the_common_themes_are_offered_first(work):
    assert selectors.top_themes_at(None) == list(selectors.DEFAULT_THEMES)
    assert selectors.top_themes_at(work.site) == list(selectors.DEFAULT_THEMES)
    assert selectors.top_themes_at(work.site, limit=2) == list(selectors.DEFAULT_THEMES[:2])


def test_the_themes_most_used_at_the_site_lately_come_first_then_the_common_ones(work, work_b):
    for themes in (["sante", "email"], ["sante"], ["logement"], ["sante", "logement"], ["email"]):
        record(work, themes=themes)
    for _ in range(3):
        at(work, NOW - timedelta(days=91), themes=["justice"])
    record(work_b, themes=["parentalite"])
    elsewhere, _contract = _elsewhere(work)
    at(work, NOW - timedelta(hours=2), site=elsewhere, themes=["associations"])

    themes = selectors.top_themes_at(work.site)

    assert themes[:3] == ["sante", "email", "logement"]
    assert (
        themes[3:]
        == [code for code in selectors.DEFAULT_THEMES if code not in {"sante", "email", "logement"}][:3]
    )
    assert len(themes) == selectors.TOP_THEMES
    assert selectors.top_themes_at(work.site, limit=2) == ["sante", "email"]
    assert selectors.top_themes_at(elsewhere)[0] == "associations"


def test_a_theme_used_last_quarter_counts_again_when_the_window_is_moved(work):
    at(work, NOW - timedelta(days=91), themes=["justice"])

    assert "justice" not in selectors.top_themes_at(work.site)
    assert selectors.top_themes_at(work.site, now=NOW - timedelta(days=2))[0] == "justice"


def test_the_last_records_of_the_shift_newest_first(work, colleague, clock):
    earlier_today = at(work, NOW - timedelta(hours=3))
    first = record(work)
    clock.shift(timedelta(minutes=5))
    second = record(work, kind="postal_forms")
    clock.shift(timedelta(minutes=5))
    gone = record(work)
    services.interaction_delete(actor=work.user, interaction=gone)
    record(colleague)

    assert list(selectors.recent_records(work.mediator, shift=work.shift)) == [second, first]
    assert list(selectors.recent_records(work.mediator, shift=work.shift, limit=1)) == [second]
    assert earlier_today not in selectors.recent_records(work.mediator, shift=work.shift)


def test_without_a_shift_the_last_records_are_today_s(tenant_a, clock):
    work = at_work(tenant_a, start_shift=False)
    at(work, NOW - timedelta(days=1))
    this_morning = at(work, NOW.replace(hour=8))
    clock.shift(timedelta(minutes=1))
    just_now = at(work, NOW)

    assert list(selectors.recent_records(work.mediator, shift=None)) == [just_now, this_morning]
