import re

from django.core import mail

from tremplin.accounts.models import ApiToken, Membership, User
from tremplin.accounts.services import api_token_create
from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role


def test_an_admin_invites_a_new_mediator_who_receives_a_link_to_choose_a_password(
    tenant_a, django_capture_on_commit_callbacks
):
    client = tenant_a.client(Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/structure/membres/",
            {"email": "Nouvelle.Mediatrice@Exemple.test", "first_name": "Inès", "role": "mediator"},
        )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle.mediatrice@exemple.test")
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, operator=tenant_a.operator, role="mediator").exists()
    assert len(mail.outbox) == 1
    assert tenant_a.operator.name in mail.outbox[0].body
    link = re.search(r"http://\S+/mot-de-passe/nouveau/\S+/", mail.outbox[0].body).group(0)
    anonymous = type(client)(HTTP_HOST="localhost")
    form_page = anonymous.get(link.replace("http://localhost", ""), follow=True)
    assert "Choisir un nouveau mot de passe" in form_page.content.decode()
    assert JournalEntry.objects.filter(action="accounts.membership.created", operator=tenant_a.operator)


def test_a_funder_needs_departements_and_the_form_keeps_what_was_typed(tenant_a):
    client = tenant_a.client(Role.ADMIN)
    response = client.post("/structure/membres/", {"email": "elu@exemple.test", "role": "funder"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choisissez au moins un département pour un financeur." in page
    assert 'value="elu@exemple.test"' in page
    assert not User.objects.filter(email="elu@exemple.test").exists()


def test_a_funder_scope_can_only_use_the_operators_departements(tenant_a, tenant_b):
    client = tenant_a.client(Role.ADMIN)
    response = client.post(
        "/structure/membres/",
        {"email": "elu@exemple.test", "role": "funder", "departements": [tenant_b.departement.pk]},
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user__email="elu@exemple.test").exists()


def test_removing_a_member_cuts_their_access_and_their_api_tokens(tenant_a):
    mediator = tenant_a.members[Role.MEDIATOR]
    token, _raw = api_token_create(actor=mediator.user, membership=mediator, name="tableur")
    client = tenant_a.client(Role.ADMIN)
    response = client.post(f"/structure/membres/{mediator.pk}/retirer/")
    assert response.status_code == 302
    mediator.refresh_from_db()
    assert not mediator.is_active
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    home = tenant_a.client(Role.MEDIATOR).get("/")
    assert "rattaché à aucune structure" in home.content.decode()


def test_only_operator_admins_manage_members(tenant_a):
    for role in (Role.COORDINATOR, Role.MEDIATOR, Role.FUNDER):
        assert tenant_a.client(role).get("/structure/membres/").status_code == 403


def test_an_admin_cannot_remove_members_of_another_operator(tenant_a, tenant_b):
    target = tenant_b.members[Role.MEDIATOR]
    response = tenant_a.client(Role.ADMIN).post(f"/structure/membres/{target.pk}/retirer/")
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.is_active
