"""Signing in and out in a real browser, as a mediator does at the start and end of a shift."""

import re

import pytest
from playwright.sync_api import expect

from tremplin.core.roles import Role
from tremplin.core.tests.e2e_fixtures import axe_check, sign_in, sign_out

pytestmark = pytest.mark.e2e


def test_a_wrong_password_shows_a_french_error_and_keeps_the_email(page, tenant_a):
    email = tenant_a.members[Role.MEDIATOR].user.email
    page.goto("/connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter à Tremplin")
    axe_check(page)

    sign_in(page, email, "pas-le-bon-mot-de-passe")

    expect(page).to_have_url(re.compile(r"/connexion/$"))
    expect(page.get_by_role("alert").first).to_contain_text("Adresse e-mail ou mot de passe incorrect")
    expect(page.get_by_label("Adresse e-mail")).to_have_value(email)
    expect(page.get_by_label("Mot de passe")).to_have_value("")
    axe_check(page)


def test_a_mediator_signs_in_sees_the_sites_of_their_operator_and_signs_out(
    page, live_server, tenant_a, tenant_b
):
    mediator = tenant_a.members[Role.MEDIATOR].user

    sign_in(page, mediator.email.upper())

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {mediator.first_name}")
    sites = page.get_by_role("table", name="Sites où votre structure assure la médiation")
    expect(sites.get_by_role("link", name=tenant_a.site.name)).to_be_visible()
    expect(sites).not_to_contain_text(tenant_b.site.name)
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
    axe_check(page)

    sign_out(page)

    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/connexion/\?next=/$"))
    axe_check(page)
