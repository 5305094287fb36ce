"""The queue's services under fixed clocks: tickets, the allowed and refused transitions with their
timestamps and timeline, call-next, learned service times, the board's secret and the estimated waits."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tremplin.accounts.tests.factories import MembershipFactory
from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role
from tremplin.flow import selectors, services
from tremplin.flow.models import TRANSITIONS, Board, Route, SiteReason, State, Visit, VisitEvent
from tremplin.flow.services import FlowError
from tremplin.mediation.tests.helpers import at_work, record
from tremplin.staffing import services as staffing_services
from tremplin.staffing.models import MediatorProfile
from tremplin.territory.tests.factories import SiteFactory

PARIS = ZoneInfo("Europe/Paris")
NINE = datetime(2026, 3, 9, 9, 0, tzinfo=PARIS)


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NINE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def work(tenant_a):
    return at_work(tenant_a, at=NINE - timedelta(hours=1))


def arrive(work, reasons=("parcel_pickup",), **fields) -> Visit:
    visit, created = services.visit_create(
        actor=work.user, operator=work.tenant.operator, site=work.site, reasons=list(reasons), **fields
    )
    assert created
    return visit


def timeline(visit) -> list[tuple]:
    return [(e.state, e.route, e.at) for e in VisitEvent.objects.filter(visit=visit)]


# --- Arrival ---------------------------------------------------------------------------------------


def test_tickets_count_from_one_per_site_and_start_again_the_next_day(work, clock):
    assert [arrive(work).ticket for _ in range(3)] == [1, 2, 3]
    other_site = SiteFactory(commune=work.site.commune, name="Autre bureau")
    visit, _ = services.visit_create(
        actor=None, operator=work.tenant.operator, site=other_site, reasons=["banking"]
    )
    assert visit.ticket == 1
    clock.move_to(NINE + timedelta(days=1))
    tomorrow = arrive(work)
    assert tomorrow.ticket == 1 and tomorrow.day.isoformat() == "2026-03-10"
    assert arrive(work).ticket == 2


def test_a_visit_arriving_just_after_midnight_paris_time_is_of_the_new_day(work, clock):
    clock.move_to(datetime(2026, 3, 9, 23, 59, tzinfo=PARIS))
    assert arrive(work).day.isoformat() == "2026-03-09"
    clock.move_to(datetime(2026, 3, 10, 0, 1, tzinfo=PARIS))
    visit = arrive(work)
    assert (visit.day.isoformat(), visit.ticket) == ("2026-03-10", 1)


def test_a_new_visit_waits_with_its_reasons_and_first_event(work):
    visit = arrive(work, reasons=["mobile", "banking", "mobile"], first_name="  Léa   Marie ", group_size=3)
    assert visit.state == State.WAITING
    assert visit.arrived_at == visit.state_since == NINE
    assert (visit.called_at, visit.served_at, visit.closed_at, visit.route) == (None, None, None, "")
    assert visit.first_name == "Léa Marie" and visit.label == "001 Léa Marie"
    assert visit.group_size == 3
    assert sorted(visit.reasons.values_list("reason", flat=True)) == ["banking", "mobile"]
    assert timeline(visit) == [(State.WAITING, "", NINE)]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"reasons": []}, "reasons", "Choisissez au moins un motif."),
        ({"reasons": ["banking", "teleportation"]}, "reasons", "Motif inconnu."),
        ({"group_size": 0}, "group_size", "Le nombre de personnes doit être compris entre 1 et 20."),
        ({"group_size": 21}, "group_size", "Le nombre de personnes doit être compris entre 1 et 20."),
        ({"first_name": "x" * 31}, "first_name", "Le prénom tient en 30 caractères au plus."),
    ],
)
def test_a_visit_is_refused_with_a_french_message_per_field(work, fields, field, message):
    values = {"reasons": ["banking"]} | fields
    with pytest.raises(FlowError) as refused:
        services.visit_create(actor=work.user, operator=work.tenant.operator, site=work.site, **values)
    assert refused.value.message_dict == {field: [message]}
    assert not Visit.objects.exists()


def test_limits_are_accepted(work):
    assert arrive(work, group_size=20, first_name="x" * 30).group_size == 20
    assert arrive(work, first_name="   " + "y" * 30 + "   ").first_name == "y" * 30


def test_the_same_uuid_gives_back_the_same_visit_without_a_second_ticket(work):
    key = uuid.uuid4()
    first, created = services.visit_create(
        actor=work.user, operator=work.tenant.operator, site=work.site, reasons=["banking"], client_uuid=key
    )
    again, created_again = services.visit_create(
        actor=work.user, operator=work.tenant.operator, site=work.site, reasons=["mobile"], client_uuid=key
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and list(again.reasons.values_list("reason", flat=True)) == ["banking"]
    assert Visit.objects.count() == 1 and VisitEvent.objects.count() == 1
    assert JournalEntry.objects.filter(action="flow.visit.created").count() == 1
    assert arrive(work).ticket == 2


def test_the_journal_never_holds_the_first_name(work):
    visit = arrive(work, first_name="Zéphyrine")
    services.visit_call(actor=work.user, visit=visit)
    services.visit_close(actor=work.user, visit=visit, route=Route.COUNTER)
    entries = JournalEntry.objects.filter(action__startswith="flow.visit.")
    assert [e.action for e in entries.order_by("pk")] == [
        "flow.visit.created",
        "flow.visit.called",
        "flow.visit.done",
    ]
    assert entries.order_by("pk").first().payload == {"site": work.site.pk, "reasons": ["parcel_pickup"]}
    for entry in entries:
        assert "Zéphyrine" not in str(entry.payload) and "Zéphyrine" not in entry.object_id


# --- Transitions -----------------------------------------------------------------------------------


def _move(work, visit, to):
    actions = {
        State.CALLED: services.visit_call,
        State.SERVING: services.visit_serve,
        State.ON_HOLD: services.visit_hold,
        State.WAITING: services.visit_requeue,
    }
    if to == State.DONE:
        return services.visit_close(actor=work.user, visit=visit, route=Route.COUNTER)
    return actions[to](actor=work.user, visit=visit)


#: How to bring a new (waiting) visit into each state.
PATHS = {
    State.WAITING: [],
    State.CALLED: [State.CALLED],
    State.SERVING: [State.SERVING],
    State.ON_HOLD: [State.ON_HOLD],
    State.DONE: [State.DONE],
}
ALL = [(start, to) for start in State for to in State]


@pytest.mark.parametrize(("start", "to"), [(s, t) for s, t in ALL if t in TRANSITIONS[s]])
def test_every_allowed_transition_is_done_and_written_in_the_timeline(work, clock, start, to):
    visit = arrive(work)
    for step in PATHS[start]:
        visit = _move(work, visit, step)
    clock.shift(timedelta(minutes=4))
    visit = _move(work, visit, to)
    visit.refresh_from_db()
    assert visit.state == to and visit.state_since == NINE + minutes(4)
    assert timeline(visit)[-1][::2] == (to, NINE + minutes(4))
    assert len(timeline(visit)) == len(PATHS[start]) + 2


@pytest.mark.parametrize(("start", "to"), [(s, t) for s, t in ALL if t not in TRANSITIONS[s]])
def test_every_other_transition_is_refused_with_a_clear_message(work, start, to):
    visit = arrive(work, first_name="Léa")
    for step in PATHS[start]:
        visit = _move(work, visit, step)
    events = len(timeline(visit))
    with pytest.raises(FlowError) as refused:
        _move(work, visit, to)
    assert refused.value.messages == [f"Impossible : la visite 001 Léa est « {State(start).label} »."]
    visit.refresh_from_db()
    assert visit.state == start and len(timeline(visit)) == events


def test_serving_a_closed_visit_is_refused(work):
    visit = arrive(work)
    services.visit_close(actor=work.user, visit=visit, route=Route.LEFT)
    with pytest.raises(FlowError, match="Impossible : la visite 001 est « Terminé »."):
        services.visit_serve(actor=work.user, visit=visit)


def test_a_stale_copy_of_the_visit_cannot_bypass_its_state(work):
    """The service reads the locked row, not the caller's copy."""
    visit = arrive(work)
    stale = Visit.objects.get(pk=visit.pk)
    services.visit_close(actor=work.user, visit=visit, route=Route.COUNTER)
    with pytest.raises(FlowError):
        services.visit_serve(actor=work.user, visit=stale)


def test_close_needs_a_known_route(work):
    visit = arrive(work)
    with pytest.raises(FlowError, match="Choisissez où la personne a été orientée."):
        services.visit_close(actor=work.user, visit=visit, route="moon")
    with pytest.raises(FlowError):
        services.visit_close(actor=work.user, visit=visit, route="")


def test_times_and_timeline_of_a_visit_called_held_served_and_closed(work, clock):
    visit = arrive(work)
    clock.shift(minutes(7))
    services.visit_call(actor=work.user, visit=visit)
    clock.shift(minutes(1))
    services.visit_hold(actor=work.user, visit=visit)
    clock.shift(minutes(2))
    services.visit_serve(actor=work.user, visit=visit)
    clock.shift(minutes(12))
    visit = services.visit_close(actor=work.user, visit=visit, route=Route.WORKSHOP)
    visit.refresh_from_db()
    assert visit.called_at == NINE + minutes(7) and visit.called_by == work.user
    assert visit.served_at == NINE + minutes(10)
    assert visit.closed_at == visit.state_since == NINE + minutes(22)
    assert visit.route == Route.WORKSHOP
    assert timeline(visit) == [
        (State.WAITING, "", NINE),
        (State.CALLED, "", NINE + minutes(7)),
        (State.ON_HOLD, "", NINE + minutes(8)),
        (State.SERVING, "", NINE + minutes(10)),
        (State.DONE, Route.WORKSHOP, NINE + minutes(22)),
    ]
    assert selectors.waited_minutes(visit) == 7


def test_serving_straight_from_the_queue_counts_as_the_call(work, clock):
    visit = arrive(work)
    clock.shift(minutes(3))
    visit = services.visit_serve(actor=work.user, visit=visit)
    assert visit.called_at == visit.served_at == NINE + minutes(3)


def test_a_second_serve_after_a_pause_keeps_the_first_service_time(work, clock):
    visit = arrive(work)
    services.visit_serve(actor=work.user, visit=visit)
    clock.shift(minutes(5))
    services.visit_hold(actor=work.user, visit=visit)
    clock.shift(minutes(5))
    visit = services.visit_serve(actor=work.user, visit=visit)
    assert visit.served_at == NINE


def test_a_time_before_the_current_state_is_moved_up_to_it(work):
    visit = arrive(work)
    visit = services.visit_call(actor=work.user, visit=visit, at=NINE - minutes(30))
    assert visit.called_at == NINE and visit.state_since == NINE


def test_a_requeued_visit_that_is_called_again_gets_the_new_call_time(work, clock):
    visit = arrive(work)
    clock.shift(minutes(2))
    services.visit_call(actor=work.user, visit=visit)
    services.visit_requeue(actor=work.user, visit=visit)
    clock.shift(minutes(3))
    visit = services.visit_call(actor=work.user, visit=visit)
    assert visit.called_at == NINE + minutes(5)


# --- Calling the next person -----------------------------------------------------------------------


def test_call_next_takes_the_longest_waiting_first_and_filters_by_reason(work, clock):
    banking = arrive(work, reasons=["banking"])
    clock.shift(minutes(1))
    mobile = arrive(work, reasons=["mobile", "information"])
    clock.shift(minutes(1))
    later = arrive(work, reasons=["banking"])
    assert services.visit_call_next(actor=work.user, site=work.site, reason="information") == mobile
    assert services.visit_call_next(actor=work.user, site=work.site, reason="mobile") is None
    called = services.visit_call_next(actor=work.user, site=work.site)
    assert called == banking and called.state == State.CALLED and called.called_by == work.user
    assert services.visit_call_next(actor=work.user, site=work.site) == later
    assert services.visit_call_next(actor=work.user, site=work.site) is None


def test_call_next_skips_visits_that_are_not_waiting_and_other_sites(work, clock):
    held = arrive(work)
    services.visit_hold(actor=work.user, visit=held)
    other_site = SiteFactory(commune=work.site.commune, name="Autre bureau")
    services.visit_create(actor=None, operator=work.tenant.operator, site=other_site, reasons=["banking"])
    assert services.visit_call_next(actor=work.user, site=work.site) is None
    services.visit_requeue(actor=work.user, visit=held)
    assert services.visit_call_next(actor=work.user, site=work.site) == held


def test_call_next_for_an_operator_leaves_the_other_operators_visits(work, tenant_b):
    services.visit_create(actor=None, operator=tenant_b.operator, site=work.site, reasons=["banking"])
    assert services.visit_call_next(actor=work.user, site=work.site, operator=work.tenant.operator) is None


# --- Learned service time -------------------------------------------------------------------------


def _serve_and_close(work, clock, visit, served_minutes, route=Route.MEDIATOR):
    services.visit_serve(actor=work.user, visit=visit)
    clock.shift(minutes(served_minutes))
    return services.visit_close(actor=work.user, visit=visit, route=route)


def _service_seconds(site, reason) -> tuple[int, int]:
    row = SiteReason.objects.get(site=site, reason=reason)
    return row.service_seconds, row.served_count


def test_the_service_time_is_learned_from_visits_served_by_the_mediator(work, clock):
    services.site_reasons_ensure(site=work.site)
    assert _service_seconds(work.site, "mobile") == (600, 0)
    _serve_and_close(work, clock, arrive(work, reasons=["mobile"]), 12)
    assert _service_seconds(work.site, "mobile") == (720, 1)
    _serve_and_close(work, clock, arrive(work, reasons=["mobile"]), 6)
    assert _service_seconds(work.site, "mobile") == (540, 2)
    # Two reasons share the time served.
    _serve_and_close(work, clock, arrive(work, reasons=["mobile", "information"]), 9)
    assert _service_seconds(work.site, "mobile") == ((540 * 2 + 270) // 3, 3)
    assert _service_seconds(work.site, "information") == (270, 1)


def test_the_service_time_is_learned_even_before_anyone_read_the_catalogue(work, clock):
    _serve_and_close(work, clock, arrive(work, reasons=["mobile"]), 12)
    assert _service_seconds(work.site, "mobile") == (720, 1)


def test_visits_closed_elsewhere_or_never_served_teach_nothing(work, clock):
    services.site_reasons_ensure(site=work.site)
    _serve_and_close(work, clock, arrive(work, reasons=["mobile"]), 12, route=Route.COUNTER)
    called = arrive(work, reasons=["mobile"])
    services.visit_call(actor=work.user, visit=called)
    clock.shift(minutes(3))
    services.visit_close(actor=work.user, visit=called, route=Route.MEDIATOR)
    assert _service_seconds(work.site, "mobile") == (600, 0)


# --- Tension, linked interaction, board -------------------------------------------------------------


def test_tension_is_noted_once(work):
    visit = arrive(work)
    services.visit_note_tension(actor=work.user, visit=visit)
    visit = services.visit_note_tension(actor=work.user, visit=visit)
    assert visit.tension is True
    assert JournalEntry.objects.filter(action="flow.visit.tension").count() == 1


def test_recording_a_served_visit_links_the_interaction_and_ends_it_with_the_mediator(work, clock):
    visit = services.visit_serve(actor=work.user, visit=arrive(work, ["mobile"]))
    clock.shift(timedelta(minutes=12))
    interaction = record(work, started_at=NINE)
    visit = services.visit_recorded(actor=work.user, visit=visit, interaction=interaction)
    assert (visit.state, visit.route, visit.interaction) == (State.DONE, Route.MEDIATOR, interaction)
    assert _service_seconds(work.site, "mobile") == (12 * 60, 1)


def test_a_tension_recorded_after_the_visit_closed_is_linked_without_moving_it(work):
    visit = services.visit_note_tension(actor=work.user, visit=arrive(work))
    visit = services.visit_close(actor=work.user, visit=visit, route=Route.COUNTER)
    interaction = record(work, started_at=NINE, kind="conflict_prevention")
    visit = services.visit_recorded(actor=work.user, visit=visit, interaction=interaction)
    assert (visit.state, visit.route, visit.interaction) == (State.DONE, Route.COUNTER, interaction)
    with pytest.raises(FlowError, match="a déjà son interaction enregistrée"):
        services.visit_recorded(actor=work.user, visit=visit, interaction=record(work, started_at=NINE))


def test_an_interaction_is_linked_only_from_the_visits_site(work):
    elsewhere = services.visit_serve(actor=work.user, visit=arrive(work))
    interaction = record(work, started_at=NINE)
    interaction.site = SiteFactory(commune=work.site.commune, name="Autre bureau")
    with pytest.raises(FlowError, match="n'a pas eu lieu sur le site de la visite"):
        services.visit_recorded(actor=work.user, visit=elsewhere, interaction=interaction)
    elsewhere = Visit.objects.get(pk=elsewhere.pk)
    assert elsewhere.interaction is None and elsewhere.state == State.SERVING


def test_rotating_the_board_changes_its_secret_and_the_old_one_stops_working(work, clock):
    board = services.board_rotate(actor=work.user, site=work.site)
    first = board.secret
    assert len(first) >= 32 and selectors.board_for_secret(first) == board
    clock.shift(minutes(5))
    board = services.board_rotate(actor=work.user, site=work.site)
    assert board.secret != first and board.rotated_at == NINE + minutes(5)
    assert selectors.board_for_secret(first) is None
    assert selectors.board_for_secret(board.secret).site == work.site
    assert Board.objects.count() == 1
    entry = JournalEntry.objects.filter(action="flow.board.rotated").last()
    assert board.secret not in str(entry.payload) and first not in str(entry.payload)
    assert selectors.board_for_secret("") is None and selectors.board_for_secret("x" * 65) is None


# --- Estimated waits --------------------------------------------------------------------------------


def _second_mediator_on_shift(work):
    membership = MembershipFactory(operator=work.tenant.operator, role=Role.MEDIATOR)
    profile = MediatorProfile.objects.create(user=membership.user, operator=work.tenant.operator)
    return staffing_services.shift_start(
        actor=membership.user, mediator=profile, site=work.site, at=NINE - minutes(30)
    )


def _waits(site) -> dict:
    return {w.reason: (w.waiting, w.minutes) for w in selectors.estimated_waits(site)}


def test_estimated_waits_count_the_people_waiting_and_called_per_reason(work):
    arrive(work, reasons=["mobile"])
    arrive(work, reasons=["mobile", "banking"])
    called = arrive(work, reasons=["banking"])
    services.visit_call(actor=work.user, visit=called)
    served = arrive(work, reasons=["banking"])
    services.visit_serve(actor=work.user, visit=served)
    closed = arrive(work, reasons=["mobile"])
    services.visit_close(actor=work.user, visit=closed, route=Route.LEFT)
    waits = _waits(work.site)
    assert waits["mobile"] == (2, 20)  # 2 × 10 min, one mediator on shift
    assert waits["banking"] == (2, 16)  # 2 × 8 min at the counter
    assert waits["information"] == (0, 0)


def test_the_mediators_on_shift_share_the_mediators_reasons_only(work):
    for _ in range(3):
        arrive(work, reasons=["mobile", "banking"])
    assert _waits(work.site)["mobile"] == (3, 30)
    _second_mediator_on_shift(work)
    assert selectors.staff_on_site(work.site) == 2
    assert _waits(work.site)["mobile"] == (3, 15)
    assert _waits(work.site)["banking"] == (3, 24)  # the counter is not the mediators'
    staffing_services.shift_end(actor=work.user, shift=work.shift)
    assert _waits(work.site)["mobile"] == (3, 30)


def test_with_nobody_on_shift_a_wait_is_still_estimated(tenant_a):
    work = at_work(tenant_a, start_shift=False)
    arrive(work, reasons=["information"])
    assert _waits(work.site)["information"] == (1, 3)


def test_yesterdays_forgotten_visits_are_not_counted(work, clock):
    arrive(work, reasons=["mobile"])
    clock.move_to(NINE + timedelta(days=1))
    assert _waits(work.site)["mobile"] == (0, 0)


def test_waited_minutes_runs_until_the_call(work, clock):
    visit = arrive(work)
    clock.shift(minutes(9) + timedelta(seconds=59))
    assert selectors.waited_minutes(visit) == 9
    assert selectors.waited_minutes(visit, now=NINE + minutes(30)) == 30
    visit = services.visit_call(actor=work.user, visit=visit)
    clock.shift(minutes(20))
    assert selectors.waited_minutes(visit) == 9
