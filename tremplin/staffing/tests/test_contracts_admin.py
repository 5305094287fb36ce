"""The staffing models in the Django admin: listed and shown to staff; worked hours are read-only there."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from conftest import verified_client
from tremplin.accounts.tests.factories import UserFactory
from tremplin.staffing.models import Absence, Replacement, Shift, ShiftCorrection

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def staff(db):
    return verified_client(UserFactory(is_staff=True, is_superuser=True))


@pytest.fixture
def rows(plan_a):
    start = datetime(2026, 3, 9, 9, 0, tzinfo=PARIS)
    end = datetime(2026, 3, 9, 12, 0, tzinfo=PARIS)
    shift = Shift.objects.create(
        operator=plan_a.contract.operator,
        mediator=plan_a.mediator,
        site=plan_a.site,
        contract=plan_a.contract,
        started_at=start,
        ended_at=end,
        minutes=180,
        expected_end_at=end,
    )
    return {
        "contract": plan_a.contract,
        "mediatorprofile": plan_a.mediator,
        "rotation": plan_a.rotation,
        "absence": Absence.objects.create(
            mediator=plan_a.mediator, starts_on=start.date(), ends_on=start.date(), reason="leave"
        ),
        "replacement": Replacement.objects.create(rotation=plan_a.rotation, date=start.date()),
        "shift": shift,
        "shiftcorrection": ShiftCorrection.objects.create(
            shift=shift,
            corrected_by=plan_a.mediator.user,
            previous_started_at=start,
            previous_ended_at=end,
            started_at=start,
            ended_at=end,
            reason="Vérification",
        ),
    }


def test_every_staffing_model_is_listed_and_shown(staff, rows):
    for model, obj in rows.items():
        assert staff.get(reverse(f"admin:staffing_{model}_changelist")).status_code == 200, model
        assert staff.get(reverse(f"admin:staffing_{model}_change", args=[obj.pk])).status_code == 200, model


def test_worked_shifts_and_their_corrections_cannot_be_changed_in_the_admin(staff, rows):
    for model in ("shift", "shiftcorrection"):
        assert staff.get(reverse(f"admin:staffing_{model}_add")).status_code == 403
        obj = rows[model]
        assert (
            staff.post(reverse(f"admin:staffing_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code
            == 403
        )
        page = staff.get(reverse(f"admin:staffing_{model}_change", args=[obj.pk])).content.decode()
        assert 'name="_save"' not in page
    assert Shift.objects.count() == ShiftCorrection.objects.count() == 1
