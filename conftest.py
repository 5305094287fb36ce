"""Fixtures shared by every app's tests: two operators in two départements, a user per role in each."""

from dataclasses import dataclass

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tremplin.accounts.tests.factories import MembershipFactory, OperatorFactory
from tremplin.core.roles import Role
from tremplin.territory.tests.factories import CommuneFactory, DepartementFactory, SiteFactory

pytest_plugins = ["tremplin.core.tests.e2e_fixtures"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Background tasks run at once in the test's thread (a test may put the database backend back)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    """SMS are kept in `tremplin.core.sms.outbox`, like e-mails in `mail.outbox`, emptied for each test."""
    from tremplin.core import sms

    settings.SMS_BACKEND = "tremplin.core.sms.backends.locmem.SmsBackend"
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _reset_axes(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def verified_client(user) -> Client:
    """A client signed in as `user`, past the second factor (a confirmed TOTP device is created)."""
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@dataclass
class Tenant:
    """One operator with its département, a site with mediation there, and a member per role."""

    operator: object
    departement: object
    site: object
    members: dict

    def client(self, role: str) -> Client:
        return verified_client(self.members[role].user)


def _tenant(code: str, name: str) -> Tenant:
    departement = DepartementFactory(code=code, name=f"Département {code}")
    commune = CommuneFactory(departement=departement, code=f"{code}001", name=f"Ville {code}")
    site = SiteFactory(commune=commune, name=f"Bureau de {name}")
    operator = OperatorFactory(name=name, departements=[departement])
    members = {
        role: MembershipFactory(operator=operator, role=role)
        for role in (Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR)
    }
    members[Role.FUNDER] = MembershipFactory(operator=operator, role=Role.FUNDER, departements=[departement])
    return Tenant(operator=operator, departement=departement, site=site, members=members)


@pytest.fixture
def tenant_a(db) -> Tenant:
    return _tenant("03", "Opérateur A")


@pytest.fixture
def tenant_b(db) -> Tenant:
    return _tenant("92", "Opérateur B")
