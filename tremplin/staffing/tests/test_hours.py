"""Hours of intervention are real minutes worked, cut at local midnights, right over clock changes."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tremplin.staffing import selectors, services
from tremplin.staffing.models import Shift

PARIS = ZoneInfo("Europe/Paris")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def work(plan, start: datetime, end: datetime) -> Shift:
    with time_machine.travel(start, tick=False):
        shift = services.shift_start(actor=None, mediator=plan.mediator, site=plan.site)
    with time_machine.travel(end, tick=False):
        return services.shift_end(actor=None, shift=shift, at=end)


def test_a_morning_shift_counts_its_minutes(plan_a):
    shift = work(plan_a, at(2026, 3, 9, 9, 2), at(2026, 3, 9, 12, 17))
    assert shift.minutes == 195
    assert shift.contract == plan_a.contract
    shifts = Shift.objects.filter(contract=plan_a.contract)
    assert selectors.hours_of_intervention(shifts, date(2026, 3, 9), date(2026, 3, 9)) == 195


def test_a_shift_over_midnight_is_split_between_the_two_days(plan_a):
    work(plan_a, at(2026, 6, 12, 22, 0), at(2026, 6, 13, 1, 30))
    shifts = Shift.objects.filter(contract=plan_a.contract)
    assert selectors.hours_of_intervention(shifts, date(2026, 6, 12), date(2026, 6, 12)) == 120
    assert selectors.hours_of_intervention(shifts, date(2026, 6, 13), date(2026, 6, 13)) == 90
    assert selectors.hours_of_intervention(shifts, date(2026, 6, 12), date(2026, 6, 13)) == 210


def test_the_night_clocks_go_forward_an_hour_is_not_counted_that_was_not_worked(plan_a):
    # 29 March 2026: 2:00 becomes 3:00 in Paris. 1:00 → 4:00 on the clock is two real hours.
    shift = work(plan_a, at(2026, 3, 29, 1, 0), at(2026, 3, 29, 4, 0))
    assert shift.minutes == 120


def test_the_night_clocks_go_back_the_extra_hour_worked_is_counted(plan_a):
    # 25 October 2026: 3:00 becomes 2:00 in Paris. 1:00 → 4:00 on the clock is four real hours.
    shift = work(plan_a, at(2026, 10, 25, 1, 0), at(2026, 10, 25, 4, 0))
    assert shift.minutes == 240
    shifts = Shift.objects.filter(contract=plan_a.contract)
    assert selectors.hours_of_intervention(shifts, date(2026, 10, 25), date(2026, 10, 25)) == 240


def test_a_planned_presence_keeps_its_wall_clock_length_on_the_days_the_clocks_change(plan_a):
    # Mondays 9:00-12:00; 30 March and 26 October 2026 are the Mondays after the changes.
    for day in (date(2026, 3, 30), date(2026, 10, 26)):
        [presence] = selectors.presences(plan_a.contract.rotations.all(), day, day)
        assert presence.minutes == 180
        assert presence.ends - presence.starts == timedelta(hours=3)


def test_a_correction_replaces_the_minutes_and_keeps_the_previous_times(plan_a, tenant_a):
    from tremplin.core.roles import Role

    coordinator = tenant_a.members[Role.COORDINATOR].user
    shift = work(plan_a, at(2026, 3, 9, 9, 0), at(2026, 3, 9, 12, 0))
    with time_machine.travel(at(2026, 3, 10, 8, 0), tick=False):
        services.shift_correct(
            actor=coordinator,
            shift=shift,
            started_at=at(2026, 3, 9, 9, 0),
            ended_at=at(2026, 3, 9, 13, 30),
            reason="Oubli de fin : la médiatrice est restée pour un atelier",
        )
    shift.refresh_from_db()
    assert shift.minutes == 270
    correction = shift.corrections.get()
    assert correction.previous_ended_at == at(2026, 3, 9, 12, 0)
    shifts = Shift.objects.filter(contract=plan_a.contract)
    assert selectors.hours_of_intervention(shifts, date(2026, 3, 1), date(2026, 3, 31)) == 270


def test_a_correction_needs_a_reason(plan_a, tenant_a):
    from django.core.exceptions import ValidationError

    shift = work(plan_a, at(2026, 3, 9, 9, 0), at(2026, 3, 9, 12, 0))
    with pytest.raises(ValidationError) as error:
        services.shift_correct(
            actor=tenant_a.members["coordinator"].user,
            shift=shift,
            started_at=shift.started_at,
            ended_at=shift.ended_at,
            reason="  ",
        )
    assert "motif" in str(error.value)


def test_planned_vs_worked_per_site_and_week(plan_a):
    # Week of Monday 9 March 2026: 3 h planned at the first site; 2 h 30 worked there.
    work(plan_a, at(2026, 3, 9, 9, 15), at(2026, 3, 9, 11, 45))
    rows = selectors.planned_vs_worked(plan_a.contract, date(2026, 3, 9), date(2026, 3, 15))
    by_site = {row.site: row for row in rows}
    assert (by_site[plan_a.site].planned, by_site[plan_a.site].worked, by_site[plan_a.site].gap) == (
        180,
        150,
        -30,
    )
    assert (by_site[plan_a.other_site].planned, by_site[plan_a.other_site].worked) == (0, 0)


def test_continuity_is_the_share_of_the_most_frequent_mediator(plan_a, tenant_a):
    from tremplin.accounts.tests.factories import UserFactory
    from tremplin.staffing.models import MediatorProfile

    colleague = MediatorProfile.objects.create(user=UserFactory(), operator=tenant_a.operator)
    work(plan_a, at(2026, 3, 9, 9, 0), at(2026, 3, 9, 12, 0))
    with time_machine.travel(at(2026, 3, 16, 9, 0), tick=False):
        other = services.shift_start(actor=None, mediator=colleague, site=plan_a.site)
    services.shift_end(actor=None, shift=other, at=at(2026, 3, 16, 10, 0))
    [row] = [r for r in selectors.continuity(plan_a.contract, date(2026, 3, 1), date(2026, 3, 31)) if r.total]
    assert row.top_mediator == plan_a.mediator
    assert row.share == pytest.approx(0.75)
