import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from conftest import verified_client
from tremplin.accounts.models import User
from tremplin.accounts.tests.factories import UserFactory
from tremplin.core.models import JournalEntry
from tremplin.territory.models import Site

from .conftest import data_file

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:territory_site_import")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("admin@exemple.test", "mot-de-passe-tres-long")


def upload(client, name: str, **options):
    with data_file(name).open("rb") as file:
        return client.post(IMPORT_URL, {"file": file, **options})


def test_changelist_offers_the_import(superuser):
    response = verified_client(superuser).get(reverse("admin:territory_site_changelist"))

    assert response.status_code == 200
    assert f'href="{IMPORT_URL}"' in response.content.decode()
    assert "Importer des sites" in response.content.decode()


def test_staff_imports_a_file(superuser, communes):
    client = verified_client(superuser)
    assert client.get(IMPORT_URL).status_code == 200

    response = upload(client, "sites_snake_utf8.csv")

    assert response.status_code == 200
    page = response.content.decode()
    assert "L'import a été enregistré." in page
    assert response.context["report"].created == 6
    assert Site.objects.count() == 6
    assert JournalEntry.objects.get(action="territory.sites.imported").actor == superuser


def test_bad_lines_are_shown_and_nothing_is_written(superuser, communes):
    response = upload(verified_client(superuser), "sites_bad_lines.csv")

    page = response.content.decode()
    assert "11 lignes invalides : rien n'a été enregistré." in page
    assert "<td>6</td><td>code INSEE inconnu (99999)</td>" in page
    assert not Site.objects.exists()


def test_skip_invalid_and_dry_run_options(superuser, communes):
    client = verified_client(superuser)

    response = upload(client, "sites_bad_lines.csv", dry_run="on", skip_invalid="on")
    assert "Simulation : rien n'a été enregistré." in response.content.decode()
    assert not Site.objects.exists()

    upload(client, "sites_bad_lines.csv", skip_invalid="on")
    assert Site.objects.count() == 2


def test_fatal_error_is_shown(superuser, communes):
    response = upload(verified_client(superuser), "sites_missing_columns.csv")

    assert "Colonnes obligatoires absentes : caracteristique_du_site, code_insee." in (
        response.content.decode()
    )


def test_non_staff_user_is_sent_away(communes):
    client = verified_client(UserFactory())

    assert client.get(IMPORT_URL).status_code == 302
    assert upload(client, "sites_snake_utf8.csv").status_code == 302
    assert not Site.objects.exists()


def test_staff_without_site_permissions_is_refused(communes):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_site"))
    client = verified_client(user)

    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, "sites_snake_utf8.csv").status_code == 403
    changelist = client.get(reverse("admin:territory_site_changelist"))
    assert IMPORT_URL not in changelist.content.decode()
    assert not Site.objects.exists()
