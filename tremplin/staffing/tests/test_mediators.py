"""The mediators pages: profiles, trainings, absences, the weekly plan; for the operator's coordinators."""

from datetime import date

from django.urls import reverse

from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role
from tremplin.staffing.models import Absence, MediatorProfile


def test_a_coordinator_creates_the_profile_of_a_member_with_the_mediator_role(tenant_a):
    client = tenant_a.client(Role.COORDINATOR)
    mediator_user = tenant_a.members[Role.MEDIATOR].user
    page = client.get(reverse("staffing:mediator_list")).content.decode()
    select = page[page.index('name="user"') : page.index("</select>", page.index('name="user"'))]
    assert mediator_user.email in select
    assert tenant_a.members[Role.FUNDER].user.email not in select

    response = client.post(
        reverse("staffing:mediator_list"),
        {"user": mediator_user.pk, "languages": " français ,arabe,, anglais ", "active_from": "2026-01-05"},
    )

    profile = MediatorProfile.objects.get(user=mediator_user)
    assert response["Location"] == reverse("staffing:mediator_detail", args=[profile.pk])
    assert profile.operator == tenant_a.operator
    assert profile.languages == "français, arabe, anglais"
    assert profile.active_from == date(2026, 1, 5)
    listing = client.get(reverse("staffing:mediator_list")).content.decode()
    assert "Tous les membres qui ont le rôle médiateur ont déjà une fiche" in listing


def test_profile_errors_are_in_french_and_keep_the_input(tenant_a):
    client = tenant_a.client(Role.COORDINATOR)
    page = client.post(
        reverse("staffing:mediator_list"),
        {"user": "", "languages": "breton", "active_from": "2026-06-01", "active_until": "2026-01-01"},
    ).content.decode()
    assert "Ce champ est obligatoire." in page
    assert "La date de fin doit suivre la date de début." in page
    assert 'value="breton"' in page
    assert not MediatorProfile.objects.exists()


def test_trainings_absences_and_the_weekly_plan_on_the_mediators_page(plan_a, tenant_a):
    client = tenant_a.client(Role.COORDINATOR)
    url = reverse("staffing:mediator_detail", args=[plan_a.mediator.pk])
    page = client.get(url).content.decode()
    assert plan_a.site.name in page
    assert plan_a.contract.reference in page

    client.post(
        reverse("staffing:certification_create", args=[plan_a.mediator.pk]),
        {"name": "Titre professionnel REMN", "issuer": "AFPA", "obtained_on": "2025-06-30"},
    )
    certification = plan_a.mediator.certifications.get()
    assert certification.name == "Titre professionnel REMN"

    bad = client.post(
        reverse("staffing:absence_create", args=[plan_a.mediator.pk]),
        {"starts_on": "2026-03-10", "ends_on": "2026-03-09", "reason": "leave"},
    ).content.decode()
    assert "La date de fin doit suivre la date de début." in bad
    assert 'value="2026-03-10"' in bad
    assert not Absence.objects.exists()

    client.post(
        reverse("staffing:absence_create", args=[plan_a.mediator.pk]),
        {"starts_on": "2099-03-09", "ends_on": "2099-03-13", "reason": "training"},
    )
    absence = Absence.objects.get()
    assert (absence.mediator, absence.reason) == (plan_a.mediator, "training")
    page = client.get(url).content.decode()
    assert "Titre professionnel REMN" in page
    assert "du 9 mars 2099 au 13 mars 2099" in page

    client.post(reverse("staffing:absence_delete", args=[plan_a.mediator.pk, absence.pk]))
    assert not Absence.objects.exists()
    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {"staffing.certification.added", "staffing.absence.created", "staffing.absence.deleted"} <= actions


def test_updating_the_profile(plan_a, tenant_a):
    client = tenant_a.client(Role.ADMIN)
    client.post(
        reverse("staffing:mediator_update", args=[plan_a.mediator.pk]),
        {"languages": "portugais", "active_from": "", "active_until": "2026-12-31"},
    )
    plan_a.mediator.refresh_from_db()
    assert plan_a.mediator.languages == "portugais"
    assert plan_a.mediator.active_until == date(2026, 12, 31)


def test_only_the_operators_coordinators_and_admins_manage_mediators(plan_a, tenant_a, tenant_b):
    detail = reverse("staffing:mediator_detail", args=[plan_a.mediator.pk])
    assert tenant_a.client(Role.ADMIN).get(detail).status_code == 200
    for role in (Role.MEDIATOR, Role.FUNDER):
        client = tenant_a.client(role)
        assert client.get(reverse("staffing:mediator_list")).status_code == 403
        assert client.get(detail).status_code == 403
    for role in (Role.COORDINATOR, Role.ADMIN):
        client = tenant_b.client(role)
        assert client.get(detail).status_code == 404
        absence = reverse("staffing:absence_create", args=[plan_a.mediator.pk])
        assert (
            client.post(
                absence, {"starts_on": "2026-03-09", "ends_on": "2026-03-09", "reason": "leave"}
            ).status_code
            == 404
        )
        assert str(plan_a.mediator) not in client.get(reverse("staffing:mediator_list")).content.decode()
    assert not Absence.objects.exists()
