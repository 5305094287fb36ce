"""The quick-record screen (three taps), and the edit, duplicate, delete and undo pages of a record."""

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tremplin.accounts.tests.factories import MembershipFactory
from tremplin.core.roles import Role
from tremplin.mediation import services
from tremplin.mediation.models import Accompaniment, Beneficiary, Interaction
from tremplin.staffing.models import ContractSite, MediatorProfile
from tremplin.staffing.tests.factories import ContractSiteFactory
from tremplin.territory.tests.factories import SiteFactory

from .helpers import at_work, follow, record

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
RECORD = reverse("mediation:record")
#: A Monday morning in an office; the shift of the tests began at 9:00.
OPENED = datetime(2026, 3, 9, 10, 0, tzinfo=PARIS)


@pytest.fixture
def clock():
    with time_machine.travel(OPENED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def work(clock, tenant_a):
    """Tenant A's mediator, on shift at tenant A's site since 9:00."""
    return at_work(tenant_a, at=datetime(2026, 3, 9, 9, 0, tzinfo=PARIS))


@pytest.fixture
def mediator(work):
    return work.tenant.client(Role.MEDIATOR)


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def drawn(client, url=RECORD) -> dict:
    """The hidden fields of the record form as the page draws them (its UUID, its start, its site)."""
    html = html_of(client.get(url))
    fields = {}
    for name in ("client_uuid", "started_at", "site"):
        match = re.search(rf'type="hidden" name="{name}" value="([^"]+)"', html)
        if match:
            fields[name] = match.group(1)
    return fields


def drawn_in(html: str) -> dict:
    return {
        name: re.search(rf'type="hidden" name="{name}" value="([^"]+)"', html).group(1)
        for name in ("client_uuid", "started_at")
    }


def three_taps(client, *, kind="information_orientation", themes=("email",), **more) -> dict:
    """What the page sends after a kind, a theme and « Enregistrer »: those and the hidden fields."""
    return {**drawn(client), "kind": kind, "themes": list(themes), **more}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def checked(html: str, name: str, value: str) -> bool:
    return re.search(rf'name="{name}" value="{re.escape(value)}"[^>]* checked', html) is not None


# ---------------------------------------------------------------------------------------------
# Three taps
# ---------------------------------------------------------------------------------------------


def test_three_taps_record_the_site_shift_start_and_timer_duration(work, mediator, clock):
    sent = three_taps(mediator)
    clock.move_to(OPENED + timedelta(minutes=12, seconds=20))
    response = mediator.post(RECORD, sent)
    assert response.status_code == 302 and response["Location"] == RECORD
    interaction = Interaction.objects.get()
    assert interaction.site == work.site
    assert interaction.shift == work.shift
    assert interaction.started_at == OPENED
    assert interaction.duration_minutes == 12
    assert interaction.mediator == work.mediator
    assert interaction.kind == "information_orientation"
    assert interaction.time_category == "client_information"
    assert interaction.place == "bureau_de_poste"
    assert interaction.theme_codes == ["email"]
    person = Accompaniment.objects.get()
    assert person.beneficiary is None and person.is_first_time is None


def test_the_screen_offers_big_chips_the_timer_and_one_save_button(work, mediator):
    html = html_of(mediator.get(RECORD))
    assert html.count('name="kind"') == 5
    assert "Imprimés postaux" in html
    assert "Délivrance et aide à la rédaction des imprimés postaux" in html
    assert 'role="timer"' in html and 'aria-live="off"' in html
    form = html.split('class="record-form"')[1].split("</form>")[0]
    assert form.count('type="submit"') == 1
    assert ">Enregistrer</button>" in html
    assert "Plus de détails" in html
    assert f"Permanence en cours à <strong>{work.site.name}</strong> depuis 9\u00a0h" in html
    assert checked(html, "duration_pick", "")


def test_the_themes_most_used_at_the_site_come_first(work, mediator):
    for _ in range(3):
        record(work, themes=["sante"])
    html = html_of(mediator.get(RECORD))
    quick = html.split("Plus de détails")[0]
    assert 'value="sante"' in quick
    assert html.count('name="themes" value="sante"') == 1


def test_a_timer_below_a_minute_counts_one_minute(work, mediator, clock):
    sent = three_taps(mediator)
    clock.move_to(OPENED + timedelta(seconds=20))
    mediator.post(RECORD, sent)
    assert Interaction.objects.get().duration_minutes == 1


def test_a_quick_pick_overrides_the_timer_and_a_typed_duration_overrides_both(work, mediator, clock):
    sent = three_taps(mediator, duration_pick="15")
    clock.move_to(OPENED + timedelta(minutes=4))
    mediator.post(RECORD, sent)
    typed = three_taps(mediator, duration_pick="15", duration_minutes="45")
    mediator.post(RECORD, typed)
    assert [i.duration_minutes for i in Interaction.objects.order_by("created_at")] == [15, 45]


def test_a_start_time_typed_in_the_details_times_from_then(work, mediator, clock):
    sent = three_taps(mediator, start_time="09:40")
    clock.move_to(OPENED + timedelta(minutes=5))
    mediator.post(RECORD, sent)
    interaction = Interaction.objects.get()
    assert interaction.started_at == datetime(2026, 3, 9, 9, 40, tzinfo=PARIS)
    assert interaction.duration_minutes == 25


def test_a_screen_left_open_for_hours_asks_for_the_duration(work, mediator, clock):
    sent = three_taps(mediator)
    clock.move_to(OPENED + timedelta(hours=3, minutes=30))
    html = html_of(mediator.post(RECORD, sent))
    assert "Plus de 3 heures se sont écoulées depuis le début" in html
    assert not Interaction.objects.exists()
    assert checked(html, "kind", "information_orientation") and checked(html, "themes", "email")
    mediator.post(RECORD, {**sent, "duration_pick": "30"})
    assert Interaction.objects.get().duration_minutes == 30


def test_posting_twice_records_once(work, mediator, clock):
    sent = three_taps(mediator)
    clock.move_to(OPENED + timedelta(minutes=3))
    first = mediator.post(RECORD, sent)
    second = mediator.post(RECORD, sent)
    assert first.status_code == second.status_code == 302
    assert Interaction.objects.count() == 1


def test_every_drawing_of_the_page_has_a_new_uuid_and_start(work, mediator, clock):
    first = drawn(mediator)
    clock.move_to(OPENED + timedelta(minutes=7))
    second = drawn(mediator)
    assert first["client_uuid"] != second["client_uuid"]
    assert first["started_at"] != second["started_at"]


# ---------------------------------------------------------------------------------------------
# Without a shift, without a site, without a profile
# ---------------------------------------------------------------------------------------------


def test_without_a_shift_the_screen_says_so_and_still_records_at_the_only_site(clock, tenant_a):
    work = at_work(tenant_a, start_shift=False)
    client = tenant_a.client(Role.MEDIATOR)
    html = html_of(client.get(RECORD))
    assert "Aucune permanence n'est en cours" in html
    assert f'href="{reverse("staffing:shift_home")}"' in html
    assert f"Site : <strong>{work.site.name}</strong>" in html
    client.post(RECORD, three_taps(client))
    interaction = Interaction.objects.get()
    assert interaction.site == work.site and interaction.shift is None


def test_with_several_sites_and_no_shift_the_site_is_asked_for(clock, tenant_a):
    work = at_work(tenant_a, start_shift=False)
    other = SiteFactory(commune=work.site.commune, name="Agence postale de Ville 03")
    contract = ContractSite.objects.get(site=work.site).contract
    ContractSiteFactory(contract=contract, site=other)
    client = tenant_a.client(Role.MEDIATOR)
    sent = three_taps(client)
    assert "site" not in sent
    html = html_of(client.post(RECORD, sent))
    assert "Choisissez le site où a eu lieu l&#x27;interaction." in html
    assert checked(html, "kind", "information_orientation")
    client.post(RECORD, {**sent, "site": other.pk})
    assert Interaction.objects.get().site == other


def test_a_site_outside_the_mediators_sites_is_refused(work, mediator, tenant_b):
    html = html_of(mediator.post(RECORD, three_taps(mediator, site=tenant_b.site.pk)))
    assert "Ce site ne fait pas partie de vos sites de médiation." in html
    assert not Interaction.objects.exists()


def test_without_a_mediator_profile_the_screen_explains_in_french(clock, tenant_a):
    client = tenant_a.client(Role.MEDIATOR)
    html = html_of(client.get(RECORD))
    assert "pas de fiche de médiateur" in html
    assert 'name="kind"' not in html
    html = html_of(client.post(RECORD, {"kind": "information_orientation", "client_uuid": str(uuid.uuid4())}))
    assert "pas de fiche de médiateur" in html
    assert not Interaction.objects.exists()


def test_the_mediators_home_puts_recording_first(work, mediator):
    html = html_of(mediator.get(reverse("core:home")))
    main = html.split('id="contenu"')[1]
    assert main.index("Enregistrer une interaction") < main.index("Les sites de médiation")
    assert f'class="button button--large" href="{RECORD}"' in main


# ---------------------------------------------------------------------------------------------
# Errors: the form comes back with what was typed and a French message
# ---------------------------------------------------------------------------------------------


def test_without_a_kind_the_form_comes_back_with_the_themes_ticked(work, mediator):
    sent = three_taps(mediator, kind="")
    html = html_of(mediator.post(RECORD, sent))
    assert "Choisissez le type d&#x27;action." in html
    assert checked(html, "themes", "email")
    assert f'value="{sent["client_uuid"]}"' in html
    assert not Interaction.objects.exists()


def test_a_service_error_shows_beside_its_field_and_opens_the_details(work, mediator):
    sent = three_taps(mediator, kind="information_orientation", postal_form="recommande")
    html = html_of(mediator.post(RECORD, sent))
    assert "L&#x27;imprimé postal ne se renseigne que pour l&#x27;action « imprimés postaux »." in html
    assert '<details class="record-details" open>' in html
    assert 'value="recommande" selected' in html


def test_a_start_in_the_future_is_refused_in_french(work, mediator):
    html = html_of(mediator.post(RECORD, three_taps(mediator, start_time="11:30", duration_minutes="10")))
    assert "Une interaction ne peut pas commencer dans le futur." in html
    assert not Interaction.objects.exists()


def test_a_page_with_a_broken_start_or_uuid_is_drawn_again_fresh(work, mediator):
    sent = {**three_taps(mediator), "started_at": "hier", "client_uuid": ""}
    html = html_of(mediator.post(RECORD, sent))
    assert "Le formulaire n&#x27;était plus valable" in html
    assert not Interaction.objects.exists()
    assert checked(html, "kind", "information_orientation")
    mediator.post(RECORD, {**sent, **drawn_in(html)})
    assert Interaction.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# The details
# ---------------------------------------------------------------------------------------------


def test_the_details_are_recorded(work, mediator, clock):
    sent = three_taps(
        mediator,
        kind="conflict_prevention",
        themes=("email", "logement"),
        time_category="digital_assistance",
        domain="banking",
        equipment="automate",
        place="hors_bureau",
        autonomy="autonome",
        orientation_target="aide_sociale",
        orientation_partner=" CCAS de Lens ",
        conflict_severity="medium",
        conflict_defused="oui",
        notes="Tension à la file, apaisée.",
        age_bracket="soixante_dix_plus",
        gender="feminin",
        social_status="retraite",
        first_visit="oui",
        duration_pick="10",
    )
    mediator.post(RECORD, sent)
    interaction = Interaction.objects.get()
    assert interaction.time_category == "digital_assistance"
    assert (interaction.domain, interaction.equipment, interaction.place) == (
        "banking",
        "automate",
        "hors_bureau",
    )
    assert interaction.oriented and interaction.orientation_target == "aide_sociale"
    assert interaction.orientation_partner == "CCAS de Lens"
    assert (interaction.conflict_severity, interaction.conflict_defused) == ("medium", True)
    assert sorted(interaction.theme_codes) == ["email", "logement"]
    person = interaction.accompaniments.get()
    assert (person.age_bracket, person.gender, person.social_status) == (
        "soixante_dix_plus",
        "feminin",
        "retraite",
    )
    assert person.is_first_time is True


def test_a_followed_beneficiary_can_be_picked(work, mediator):
    jeanne = follow(work, "Jeanne")
    mediator.post(RECORD, three_taps(mediator, beneficiary=jeanne.pk))
    person = Interaction.objects.get().accompaniments.get()
    assert person.beneficiary == jeanne and person.is_first_time is True


def test_a_beneficiary_the_mediator_may_not_see_is_refused(work, mediator, tenant_a, tenant_b):
    colleague = at_work_colleague(tenant_a)
    private = follow(colleague, "Paulette")
    elsewhere = follow(at_work(tenant_b), "Zoé")
    for beneficiary in (private, elsewhere):
        html = html_of(mediator.post(RECORD, three_taps(mediator, beneficiary=beneficiary.pk)))
        assert "Ce bénéficiaire n&#x27;est pas suivi par vous ou votre structure." in html
        assert "Paulette" not in html and "Zoé" not in html
    assert not Interaction.objects.exists()


def test_the_beneficiary_search_is_wired_to_the_pick_endpoint(work, mediator):
    html = html_of(mediator.get(RECORD))
    assert f'hx-get="{reverse("mediation:beneficiary_search")}"' in html
    assert 'hx-vals=\'{"pick": "1"}\'' in html
    assert 'hx-target="#beneficiary-results"' in html
    assert 'id="beneficiary-results"' in html


def test_a_link_from_a_followed_persons_page_picks_them(work, mediator):
    jeanne = follow(work, "Jeanne")
    html = html_of(mediator.get(f"{RECORD}?beneficiaire={jeanne.pk}"))
    assert checked(html, "beneficiary", str(jeanne.pk))
    assert "Jeanne (1948)" in html


# ---------------------------------------------------------------------------------------------
# After saving: the message, « Annuler », the shift's last records
# ---------------------------------------------------------------------------------------------


def saved(client, clock, **more):
    sent = three_taps(client, **more)
    clock.move_to(OPENED + timedelta(minutes=10))
    client.post(RECORD, sent)
    return Interaction.objects.latest("created_at")


def test_after_saving_the_screen_says_what_was_recorded_and_offers_undo(work, mediator, clock):
    interaction = saved(mediator, clock)
    html = html_of(mediator.get(RECORD))
    assert "Information, orientation · E-mail · 10 min à Bureau de Opérateur A, à 10 h" in html
    assert f'action="{reverse("mediation:undo", args=[interaction.pk])}"' in html
    assert 'data-undo-seconds="120"' in html
    again = html_of(mediator.get(RECORD))
    assert "Annuler" not in again.split("Enregistrements de cette permanence")[0]


def test_undo_takes_the_record_back_and_nothing_else(work, mediator, clock):
    interaction = saved(mediator, clock)
    clock.move_to(OPENED + timedelta(minutes=11))
    response = mediator.post(reverse("mediation:undo", args=[interaction.pk]), follow=True)
    interaction.refresh_from_db()
    assert interaction.is_deleted
    assert any("Rien d'autre n'a été annulé" in text for text in messages_of(response))
    work.shift.refresh_from_db()
    assert work.shift.is_open
    again = mediator.post(reverse("mediation:undo", args=[interaction.pk]), follow=True)
    assert again.status_code == 200
    assert "Cet enregistrement est déjà annulé." in messages_of(again)


def test_undo_is_refused_after_the_window(work, mediator, clock):
    interaction = saved(mediator, clock)
    clock.move_to(OPENED + timedelta(minutes=10) + services.UNDO_WINDOW + timedelta(seconds=1))
    response = mediator.post(reverse("mediation:undo", args=[interaction.pk]), follow=True)
    assert any("Le délai pour annuler est passé" in text for text in messages_of(response))
    interaction.refresh_from_db()
    assert not interaction.is_deleted


def test_the_shifts_last_records_are_listed_with_edit_and_duplicate(work, mediator):
    mine = record(work, kind="postal_forms", themes=["email"])
    colleague = at_work_colleague(work.tenant)
    theirs = record(colleague, kind="conflict_prevention")
    html = html_of(mediator.get(RECORD))
    recent = html.split("Enregistrements de cette permanence")[1]
    assert "Imprimés postaux" in recent and "E-mail" in recent
    assert reverse("mediation:interaction_edit", args=[mine.pk]) in recent
    assert reverse("mediation:interaction_duplicate", args=[mine.pk]) in recent
    assert reverse("mediation:interaction_edit", args=[theirs.pk]) not in recent


# ---------------------------------------------------------------------------------------------
# Edit, duplicate, delete
# ---------------------------------------------------------------------------------------------


def at_work_colleague(tenant):
    """Another mediator of the same operator, on shift at the same site."""
    membership = MembershipFactory(operator=tenant.operator, role=Role.MEDIATOR)
    profile = MediatorProfile.objects.create(user=membership.user, operator=tenant.operator)
    from tremplin.staffing import services as staffing_services

    shift = staffing_services.shift_start(actor=None, mediator=profile, site=tenant.site)
    from .helpers import AtWork

    return AtWork(tenant=tenant, mediator=profile, site=tenant.site, shift=shift)


def test_the_edit_page_is_filled_from_the_record_and_saves_changes(work, mediator):
    interaction = record(work, kind="postal_forms", themes=["email"], postal_form="recommande", minutes=12)
    url = reverse("mediation:interaction_edit", args=[interaction.pk])
    html = html_of(mediator.get(url))
    assert checked(html, "kind", "postal_forms") and checked(html, "themes", "email")
    assert 'name="start_time" value="09:05"' in html
    assert 'name="duration_minutes" value="12"' in html
    assert 'value="recommande" selected' in html
    response = mediator.post(
        url,
        {
            "kind": "postal_forms",
            "themes": ["email", "logement"],
            "site": work.site.pk,
            "start_date": "2026-03-09",
            "start_time": "09:10",
            "duration_minutes": "20",
            "postal_form": "procuration",
            "next": RECORD,
        },
    )
    assert response.status_code == 302 and response["Location"] == RECORD
    interaction.refresh_from_db()
    assert interaction.started_at == datetime(2026, 3, 9, 9, 10, tzinfo=PARIS)
    assert interaction.duration_minutes == 20
    assert interaction.postal_form == "procuration"
    assert interaction.shift == work.shift
    assert sorted(interaction.theme_codes) == ["email", "logement"]


def test_the_edit_page_shows_errors_with_what_was_typed(work, mediator):
    interaction = record(work)
    url = reverse("mediation:interaction_edit", args=[interaction.pk])
    html = html_of(
        mediator.post(url, {"kind": "postal_forms", "site": work.site.pk, "start_date": "2026-03-09"})
    )
    assert "Indiquez la durée en minutes." in html
    assert "Indiquez l&#x27;heure de début." in html
    assert checked(html, "kind", "postal_forms")
    interaction.refresh_from_db()
    assert interaction.kind == "information_orientation"


def test_editing_a_group_keeps_its_people(work, mediator):
    people = [
        services.Person(age_bracket="douze_dix_huit"),
        services.Person(age_bracket="dix_huit_vingt_quatre"),
    ]
    interaction = record(work, people=people)
    url = reverse("mediation:interaction_edit", args=[interaction.pk])
    html = html_of(mediator.get(url))
    assert "2 personnes accompagnées (groupe)" in html
    mediator.post(
        url,
        {
            "kind": "individual_accompaniment",
            "site": work.site.pk,
            "start_date": "2026-03-09",
            "start_time": "09:05",
            "duration_minutes": "30",
        },
    )
    assert sorted(interaction.accompaniments.values_list("age_bracket", flat=True)) == [
        "dix_huit_vingt_quatre",
        "douze_dix_huit",
    ]


def test_duplicate_opens_the_screen_filled_with_a_new_uuid_and_now(work, mediator, clock):
    jeanne = follow(work, "Jeanne")
    original = record(
        work,
        kind="machines_and_tools",
        themes=["email", "justice"],
        equipment="automate",
        notes="Note du premier",
        people=[services.Person(beneficiary=jeanne)],
    )
    clock.move_to(OPENED + timedelta(minutes=30))
    html = html_of(mediator.get(reverse("mediation:interaction_duplicate", args=[original.pk])))
    assert checked(html, "kind", "machines_and_tools")
    assert checked(html, "themes", "email") and checked(html, "themes", "justice")
    assert 'value="automate" selected' in html
    assert "Note du premier" not in html and not checked(html, "beneficiary", str(jeanne.pk))
    assert str(original.client_uuid) not in html
    assert 'name="started_at" value="2026-03-09T10:30:00+01:00"' in html
    assert f'action="{RECORD}"' in html


def test_delete_is_soft_and_confirmed_on_the_edit_page(work, mediator):
    interaction = record(work)
    edit = html_of(mediator.get(reverse("mediation:interaction_edit", args=[interaction.pk])))
    assert "Confirmer la suppression" in edit
    url = reverse("mediation:interaction_delete", args=[interaction.pk])
    assert mediator.get(url).status_code == 405
    response = mediator.post(url, {"next": RECORD})
    assert response.status_code == 302 and response["Location"] == RECORD
    interaction.refresh_from_db()
    assert interaction.is_deleted
    assert Interaction.objects.filter(pk=interaction.pk).exists()
    assert mediator.post(url, {"next": RECORD}).status_code == 302


def test_a_next_url_elsewhere_is_ignored(work, mediator):
    interaction = record(work)
    response = mediator.post(
        reverse("mediation:interaction_delete", args=[interaction.pk]), {"next": "https://example.org/"}
    )
    assert response["Location"] == reverse("mediation:interaction_list")


def test_another_mediators_record_is_not_found(work, mediator, tenant_b):
    colleague = record(at_work_colleague(work.tenant))
    foreign = record(at_work(tenant_b))
    for interaction in (colleague, foreign):
        for name in ("interaction_edit", "interaction_duplicate"):
            assert mediator.get(reverse(f"mediation:{name}", args=[interaction.pk])).status_code == 404
        for name in ("interaction_edit", "interaction_delete", "undo"):
            assert mediator.post(reverse(f"mediation:{name}", args=[interaction.pk])).status_code == 404
        interaction.refresh_from_db()
        assert not interaction.is_deleted


def test_a_coordinator_edits_the_operators_records(work):
    interaction = record(work)
    coordinator = work.tenant.client(Role.COORDINATOR)
    html = html_of(coordinator.get(reverse("mediation:interaction_edit", args=[interaction.pk])))
    assert "Enregistrée par" in html


def test_duplicating_without_a_mediator_profile_explains(work):
    interaction = record(work)
    coordinator = work.tenant.client(Role.COORDINATOR)
    html = html_of(coordinator.get(reverse("mediation:interaction_duplicate", args=[interaction.pk])))
    assert "pas de fiche de médiateur" in html


def test_a_deleted_record_cannot_be_edited(work, mediator):
    interaction = record(work)
    services.interaction_delete(actor=work.user, interaction=interaction)
    assert mediator.get(reverse("mediation:interaction_edit", args=[interaction.pk])).status_code == 404
    assert Beneficiary.objects.count() == 0


def test_editing_keeps_a_followed_person_whose_consent_narrowed_since(work, mediator, tenant_a):
    colleague = at_work_colleague(tenant_a)
    shared = follow(colleague, "Odette", scope=Beneficiary.ConsentScope.STRUCTURE)
    interaction = record(work, people=[services.Person(beneficiary=shared)])
    services.beneficiary_update(
        actor=colleague.user, beneficiary=shared, consent_scope=Beneficiary.ConsentScope.MEDIATOR
    )
    url = reverse("mediation:interaction_edit", args=[interaction.pk])
    html = html_of(mediator.get(url))
    assert checked(html, "beneficiary", str(shared.pk))
    mediator.post(
        url,
        {
            "kind": "information_orientation",
            "site": work.site.pk,
            "start_date": "2026-03-09",
            "start_time": "09:05",
            "duration_minutes": "15",
            "beneficiary": shared.pk,
        },
    )
    interaction.refresh_from_db()
    assert interaction.duration_minutes == 15
    assert interaction.accompaniments.get().beneficiary == shared


def test_a_form_sent_again_after_its_undo_records_nothing_new(work, mediator, clock):
    sent = three_taps(mediator)
    mediator.post(RECORD, sent)
    interaction = Interaction.objects.get()
    mediator.post(reverse("mediation:undo", args=[interaction.pk]))
    response = mediator.post(RECORD, sent, follow=True)
    assert any("déjà été enregistré puis annulé" in text for text in messages_of(response))
    assert Interaction.objects.count() == 1 and Interaction.objects.get().is_deleted
