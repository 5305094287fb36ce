"""The journal: written by services, never changed nor deleted, read by administrators only."""

import json
import re
from html import unescape

import pytest
from django.test import Client

from tremplin.accounts.services import api_token_create, api_token_revoke, membership_create
from tremplin.accounts.tests.factories import UserFactory
from tremplin.core.models import AppendOnlyError, JournalEntry
from tremplin.core.roles import Role
from tremplin.core.services import journal_record


def page_of(response) -> str:
    return unescape(response.content.decode())


def entry_count(page: str) -> int:
    return int(re.search(r'<p role="status">(\d+) entrées?</p>', page).group(1))


def test_adding_a_member_is_journaled_without_personal_data(tenant_a):
    admin = tenant_a.members[Role.ADMIN].user
    user = UserFactory(email="nouvelle@exemple.test", first_name="Gisèle")
    membership = membership_create(actor=admin, user=user, operator=tenant_a.operator, role=Role.MEDIATOR)
    entry = JournalEntry.objects.get(action="accounts.membership.created")
    assert entry.actor == admin
    assert entry.operator == tenant_a.operator
    assert (entry.object_type, entry.object_id) == ("accounts.membership", str(membership.pk))
    assert entry.payload == {"user_id": user.pk, "role": "mediator", "is_national": False}
    assert "nouvelle@exemple.test" not in json.dumps(entry.payload)
    assert "Gisèle" not in json.dumps(entry.payload)


def test_creating_and_revoking_a_token_are_journaled_without_the_secret(tenant_a):
    membership = tenant_a.members[Role.MEDIATOR]
    token, raw = api_token_create(actor=membership.user, membership=membership, name="Tableur")
    api_token_revoke(actor=membership.user, token=token)
    entries = JournalEntry.objects.filter(object_type="accounts.apitoken", object_id=str(token.pk))
    assert sorted(entries.values_list("action", flat=True)) == [
        "accounts.api_token.created",
        "accounts.api_token.revoked",
    ]
    assert all(e.operator == tenant_a.operator and e.actor == membership.user for e in entries)
    assert not any(raw in json.dumps(e.payload) for e in entries)


def test_an_entry_cannot_be_changed_or_deleted(tenant_a):
    entry = journal_record(action="test.thing.done", operator=tenant_a.operator)
    entry.action = "test.thing.undone"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.filter(pk=entry.pk).update(action="test.thing.undone")
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.all().delete()
    assert JournalEntry.objects.get(pk=entry.pk).action == "test.thing.done"


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MEDIATOR, Role.FUNDER])
def test_only_administrators_open_the_journal(tenant_a, role):
    response = tenant_a.client(role).get("/journal/")
    assert response.status_code == 403
    assert "Accès refusé" in page_of(response)


def test_the_journal_asks_to_sign_in_first():
    response = Client().get("/journal/")
    assert response["Location"] == "/connexion/?next=/journal/"


def test_an_administrator_reads_the_journal_of_its_own_operator_only(tenant_a, tenant_b):
    for tenant in (tenant_a, tenant_b):
        mediator = tenant.members[Role.MEDIATOR]
        api_token_create(actor=mediator.user, membership=mediator, name="Tableur")
    page = page_of(tenant_a.client(Role.ADMIN).get("/journal/"))
    assert "Journal des actions" in page
    assert entry_count(page) == 1
    assert tenant_a.members[Role.MEDIATOR].user.email in page
    assert tenant_b.members[Role.MEDIATOR].user.email not in page
    assert tenant_b.operator.name not in page


@pytest.fixture
def three_entries(tenant_a, time_machine):
    """Three things done by tenant A's people in January, February and March 2026."""
    members = tenant_a.members
    time_machine.move_to("2026-01-10 09:30 +01:00", tick=False)
    api_token_create(actor=members[Role.MEDIATOR].user, membership=members[Role.MEDIATOR], name="Tableur")
    time_machine.move_to("2026-02-15 23:30 +01:00", tick=False)
    membership_create(
        actor=members[Role.ADMIN].user,
        user=UserFactory(),
        operator=tenant_a.operator,
        role=Role.MEDIATOR,
    )
    time_machine.move_to("2026-03-20 00:15 +01:00", tick=False)
    journal_record(
        action="territory.sites.imported",
        actor=members[Role.COORDINATOR].user,
        operator=tenant_a.operator,
    )
    return tenant_a.client(Role.ADMIN)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, 3),
        ({"action": "accounts"}, 2),
        ({"action": "accounts.api_token"}, 1),
        ({"action": "mediation"}, 0),
        ({"since": "2026-02-01"}, 2),
        ({"until": "2026-02-15"}, 2),
        ({"since": "2026-02-16", "until": "2026-03-20"}, 1),
        ({"action": "accounts", "since": "2026-02-01"}, 1),
    ],
)
def test_the_journal_filters_by_action_and_dates(three_entries, query, expected):
    assert entry_count(page_of(three_entries.get("/journal/", query))) == expected


def test_the_journal_filters_by_author_e_mail_in_any_case(three_entries, tenant_a):
    email = tenant_a.members[Role.ADMIN].user.email
    page = page_of(three_entries.get("/journal/", {"actor_email": email.upper()}))
    assert entry_count(page) == 1
    assert "accounts.membership.created" in page
    assert "territory.sites.imported" not in page


def test_a_date_range_backwards_is_explained_in_french_and_lists_nothing(three_entries):
    page = page_of(three_entries.get("/journal/", {"since": "2026-03-01", "until": "2026-02-01"}))
    assert "La date de début doit précéder la date de fin." in page
    assert 'value="2026-03-01"' in page
    assert entry_count(page) == 0


def test_the_pages_of_the_journal_keep_the_filters(tenant_a):
    for _n in range(51):
        journal_record(action="test.bulk.done", operator=tenant_a.operator)
    journal_record(action="other.thing.done", operator=tenant_a.operator)
    page = page_of(tenant_a.client(Role.ADMIN).get("/journal/", {"action": "test.bulk"}))
    assert entry_count(page) == 51
    assert "Page 1 sur 2" in page
    assert 'href="?action=test.bulk&page=2"' in page
