"""Error pages: French HTML for people, JSON under /api/, as served with DEBUG off."""

from html import unescape

import pytest
from django.test import Client
from django.urls import path

from tremplin.core.roles import Role
from tremplin.urls import urlpatterns as project_urlpatterns


def _boom(request):
    raise RuntimeError("panne simulée")


# A URL configuration with one failing page, to see the 500 handlers at work.
urlpatterns = [
    path("panne/", _boom),
    path("api/v1/panne", _boom),
    *project_urlpatterns,
]
handler403 = "tremplin.core.views.error_403"
handler404 = "tremplin.core.views.error_404"
handler500 = "tremplin.core.views.error_500"


def html(response) -> str:
    assert response["Content-Type"].startswith("text/html")
    return unescape(response.content.decode())


def test_tests_run_with_debug_off(settings):
    assert settings.DEBUG is False


@pytest.mark.parametrize("who", ["anonymous", Role.MEDIATOR])
def test_an_unknown_page_is_a_french_404(tenant_a, who):
    client = Client() if who == "anonymous" else tenant_a.client(who)
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    page = html(response)
    assert '<html lang="fr">' in page
    assert "<h1>Page introuvable</h1>" in page
    assert "Cette page n'existe pas, ou elle n'est pas accessible avec votre compte." in page


def test_an_object_out_of_reach_is_the_same_french_404(tenant_a, tenant_b):
    response = tenant_a.client(Role.MEDIATOR).get(f"/sites/{tenant_b.site.pk}/")
    assert response.status_code == 404
    page = html(response)
    assert "<h1>Page introuvable</h1>" in page
    assert tenant_b.site.name not in page


def test_a_page_forbidden_to_the_role_is_a_french_403(tenant_a):
    response = tenant_a.client(Role.MEDIATOR).get("/journal/")
    assert response.status_code == 403
    page = html(response)
    assert '<html lang="fr">' in page
    assert "<h1>Accès refusé</h1>" in page
    assert "Cette page n'est pas accessible avec votre rôle ou votre rattachement." in page
    assert 'href="/"' in page


def test_the_403_page_keeps_the_navigation_of_the_signed_in_person(tenant_a):
    page = html(tenant_a.client(Role.MEDIATOR).get("/journal/"))
    assert 'href="/sites/"' in page
    assert "Se déconnecter" in page


@pytest.mark.urls(__name__)
def test_a_server_error_is_a_french_page(db):
    response = Client(raise_request_exception=False).get("/panne/")
    assert response.status_code == 500
    page = html(response)
    assert "<h1>Une erreur est survenue</h1>" in page
    assert "panne simulée" not in page


@pytest.mark.urls(__name__)
def test_a_server_error_under_the_api_is_json(db):
    response = Client(raise_request_exception=False).get("/api/v1/panne")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Erreur interne. L'équipe a été prévenue."}
