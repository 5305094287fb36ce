from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from tremplin.accounts.models import Membership, Operator, User
from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role
from tremplin.demo import dataset
from tremplin.staffing.models import (
    Absence,
    Certification,
    Contract,
    ContractSite,
    MediatorProfile,
    Replacement,
    Rotation,
)
from tremplin.territory.models import Commune, Site

from .conftest import load_demo

pytestmark = pytest.mark.django_db


def _site_names(**filters) -> set[str]:
    return set(Site.objects.filter(**filters).values_list("name", flat=True))


def test_builds_the_operators_of_the_field_examples(demo):
    operators = {o.name: o for o in Operator.objects.prefetch_related("departements")}
    assert set(operators) == {spec.name for spec in dataset.OPERATORS}
    la_poste = operators["La Poste — Direction régionale Auvergne-Rhône-Alpes"]
    assert la_poste.kind == Operator.Kind.LA_POSTE
    assert [d.code for d in la_poste.departements.all()] == ["03"]
    assert operators["CDPPT de l'Allier"].kind == Operator.Kind.PUBLIC_BODY
    association_92 = operators["Lien numérique des Hauts-de-Seine"]
    association_62 = operators["Relais numérique du Bassin minier"]
    assert association_92.memberships.filter(role=Role.MEDIATOR).count() == 5
    assert association_62.memberships.filter(role=Role.MEDIATOR).count() == 3


def test_one_demo_account_per_role_with_the_demo_password(demo):
    accounts = {email: User.objects.get(email=email) for email in dataset.DEMO_ACCOUNT_EMAILS}
    roles = Membership.objects.filter(user__email__in=accounts).values_list("role", flat=True)
    assert set(roles) == {Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR, Role.FUNDER}
    assert all(user.check_password(dataset.DEMO_PASSWORD) for user in accounts.values())

    admin = accounts["admin@demo.tremplin.test"]
    assert admin.is_staff and admin.is_superuser
    funder = Membership.objects.get(user__email="financeur@demo.tremplin.test")
    assert (funder.is_national, [d.code for d in funder.departements.all()]) == (False, ["03"])
    national = Membership.objects.get(user__email="financeur-national@demo.tremplin.test")
    assert national.is_national

    with_totp = set(
        TOTPDevice.objects.filter(confirmed=True, key=dataset.DEMO_TOTP_KEY_HEX).values_list(
            "user__email", flat=True
        )
    )
    assert with_totp == dataset.DEMO_ACCOUNT_EMAILS - {"mediateur@demo.tremplin.test"}


def test_other_fictional_people_cannot_sign_in(demo):
    others = User.objects.exclude(email__in=dataset.DEMO_ACCOUNT_EMAILS)
    assert others.count() == len(dataset.PEOPLE) - len(dataset.DEMO_ACCOUNTS)
    assert not any(user.has_usable_password() for user in others)
    assert not TOTPDevice.objects.filter(user__in=others).exists()


def test_places_are_real_communes_with_mediation_where_the_programmes_are(demo):
    assert Site.objects.count() == 43
    assert all(site.locality == site.commune.name for site in Site.objects.select_related("commune"))
    assert Commune.objects.get(code="03173").name == "Molinet"

    allier_offices = {"Saint-Gérand-le-Puy", "Noyant-d'Allier", "Molinet"}
    assert _site_names(commune__departement__code="03", has_mediation=True) == allier_offices
    assert _site_names(commune__departement__code="03", has_kiosk=True) >= allier_offices
    assert Site.objects.filter(kind=Site.Kind.AGENCE_POSTALE_COMMUNALE, has_kiosk=True).count() == 3
    assert Site.objects.filter(commune__departement__code="03", has_mediation=False).count() > 10

    hauts_de_seine = _site_names(commune__departement__code="92", has_mediation=True)
    assert len(hauts_de_seine) == 10
    assert {"Asnières 4 Routes", "Nanterre Chemin de l'Île", "Gennevilliers Le Luth"} <= hauts_de_seine
    assert Site.objects.filter(commune__departement__code="92", is_qpv=True).count() >= 3
    assert _site_names(commune__departement__code="62", has_mediation=True) == {
        "Lens",
        "Liévin",
        "Hénin-Beaumont",
    }


def test_builds_everything_through_the_services_journal(demo):
    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {
        "territory.communes.imported",
        "territory.sites.imported",
        "accounts.operator.created",
        "accounts.user.created",
        "accounts.membership.created",
        "demo.second_factor.enrolled",
    } <= actions


def test_prints_the_demo_accounts_in_french(demo):
    for person in dataset.DEMO_ACCOUNTS:
        assert person.email in demo
    assert dataset.DEMO_PASSWORD in demo
    assert "make demo-codes" in demo
    assert "Communes des départements 03, 62, 92" in demo


def _staffing_counts() -> dict:
    models = (MediatorProfile, Certification, Contract, ContractSite, Rotation, Absence, Replacement)
    return {model.__name__: model.objects.count() for model in models}


def test_if_empty_does_nothing_once_loaded_and_a_second_load_adds_nothing(demo):
    counts = (User.objects.count(), Operator.objects.count(), Site.objects.count())
    staffing = _staffing_counts()
    journal = JournalEntry.objects.count()

    out = load_demo("--if-empty")

    assert "non rechargées" in out
    assert "mediateur@demo.tremplin.test" in out
    assert JournalEntry.objects.count() == journal

    load_demo("--no-shifts")

    assert (User.objects.count(), Operator.objects.count(), Site.objects.count()) == counts
    assert Membership.objects.count() == len(dataset.PEOPLE)
    assert TOTPDevice.objects.count() == 4
    assert _staffing_counts() == staffing


def test_if_empty_loads_into_an_empty_database(db):
    load_demo("--if-empty", "--no-shifts")

    assert Operator.objects.count() == len(dataset.OPERATORS)
    assert Contract.objects.count() == 4


def test_refuses_in_production(db, settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="PRODUCTION"):
        load_demo()

    assert not Operator.objects.exists()
    assert not Site.objects.exists()


def test_departements_adds_the_demo_ones_and_reads_codes_as_typed(db):
    out = StringIO()
    call_command("load_demo", "--departements", "3", "2a", "--no-shifts", stdout=out)

    assert "Communes des départements 03, 2A, 62, 92" in out.getvalue()
    assert Commune.objects.filter(code="2A004").exists()  # Ajaccio
    assert not Commune.objects.filter(departement__code="75").exists()
