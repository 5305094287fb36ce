import pytest
from django.test import Client
from django.urls import reverse

from tremplin.demo import dataset
from tremplin.demo.selectors import demo_codes

pytestmark = pytest.mark.django_db

HOME_TEMPLATES = {
    "admin@demo.tremplin.test": ("core/home_admin.html", "Administration"),
    "coordinateur@demo.tremplin.test": ("core/home_coordinator.html", "Coordination"),
    "mediateur@demo.tremplin.test": ("core/home_mediator.html", "Bonjour Camille"),
    "financeur@demo.tremplin.test": ("core/home_funder.html", "Mon territoire"),
    "financeur-national@demo.tremplin.test": ("core/home_funder.html", "Mon territoire"),
}


def _sign_in(email: str) -> Client:
    """Sign in as a person would: password, then the 6-digit code if the role asks for one."""
    client = Client(HTTP_HOST="localhost")
    response = client.post(reverse("accounts:login"), {"username": email, "password": dataset.DEMO_PASSWORD})
    assert response.status_code == 302, f"{email}: password refused"
    response = client.get(response.url)
    if response.status_code == 302 and response.url.startswith(reverse("accounts:second_factor_verify")):
        code = next(c.code for c in demo_codes() if c.email == email)
        response = client.post(response.url, {"token": code})
        assert response.status_code == 302, f"{email}: demo code refused"
    return client


def test_every_demo_account_signs_in_and_lands_on_its_home_page(demo):
    assert set(HOME_TEMPLATES) == dataset.DEMO_ACCOUNT_EMAILS
    for email, (template, heading) in HOME_TEMPLATES.items():
        response = _sign_in(email).get(reverse("core:home"))

        assert response.status_code == 200, email
        assert template in [t.name for t in response.templates], email
        assert heading in response.content.decode(), email


def test_roles_that_need_it_are_asked_for_the_code(demo):
    client = Client(HTTP_HOST="localhost")
    client.post(
        reverse("accounts:login"),
        {"username": "financeur@demo.tremplin.test", "password": dataset.DEMO_PASSWORD},
    )

    response = client.get(reverse("core:home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:second_factor_verify"))


def test_the_mediator_sees_the_ten_hauts_de_seine_offices(demo):
    page = _sign_in("mediateur@demo.tremplin.test").get(reverse("core:home")).content.decode()

    assert "Nanterre Pablo Picasso" in page
    assert "Villeneuve-la-Garenne" in page
    assert "Molinet" not in page


def test_the_allier_funder_reads_the_allier_and_the_national_funder_all(demo):
    allier = _sign_in("financeur@demo.tremplin.test").get(reverse("core:home")).content.decode()
    national = _sign_in("financeur-national@demo.tremplin.test").get(reverse("core:home"))

    assert "03 – Allier" in allier
    assert "92 – Hauts-de-Seine" not in allier
    for departement in ("03 – Allier", "62 – Pas-de-Calais", "92 – Hauts-de-Seine"):
        assert departement in national.content.decode()


def test_the_admin_opens_the_django_admin(demo):
    response = _sign_in("admin@demo.tremplin.test").get(reverse("admin:index"))

    assert response.status_code == 200
