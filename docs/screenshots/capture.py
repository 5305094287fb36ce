"""Take the documentation's screenshots again, signed in as the demo accounts.

With `make run` serving in another terminal (same database, same environment):

    .venv/bin/python docs/screenshots/capture.py [http://127.0.0.1:8000]

Uses Debian's Chromium through Playwright, like the end-to-end tests; never `playwright install`.
"""

import os
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: (demo account, page — a path, or a function of the database giving one —, file)
PAGES = [
    ("financeur-national@demo.tremplin.test", "/", "financeur-accueil.png"),
    ("mediateur@demo.tremplin.test", "/", "mediateur-accueil.png"),
    ("coordinateur@demo.tremplin.test", "/sites/?commune=Nanterre&has_mediation=1", "sites-nanterre.png"),
    ("mediateur@demo.tremplin.test", "/interactions/nouvelle/", "mediateur-enregistrer.png"),
    ("coordinateur@demo.tremplin.test", "/interactions/", "coordinateur-interactions.png"),
    ("mediateur@demo.tremplin.test", lambda: _queue_path(), "mediateur-file.png"),
    ("coordinateur@demo.tremplin.test", lambda: _board_path(), "ecran-public.png"),
    ("coordinateur@demo.tremplin.test", "/ateliers/", "coordinateur-ateliers.png"),
    ("coordinateur@demo.tremplin.test", "/agenda/", "agenda-public.png"),
    ("financeur-national@demo.tremplin.test", "/statistiques/", "financeur-statistiques.png"),
    ("financeur-national@demo.tremplin.test", "/statistiques/carte/", "financeur-carte.png"),
    ("financeur-national@demo.tremplin.test", lambda: _report_path("RNBM-LP62-2021"), "compte-rendu.png"),
]


def _busiest_queue():
    from django.utils import timezone

    from tremplin.flow.models import State, Visit

    visit = (
        Visit.objects.filter(day=timezone.localdate(), state=State.WAITING, operator__name__contains="Hauts")
        .order_by("site__name")
        .first()
    )
    return visit.site


def _queue_path() -> str:
    return f"/file/sites/{_busiest_queue().pk}/"


def _board_path() -> str:
    from tremplin.flow.services import board_ensure

    return f"/ecran/{board_ensure(site=_busiest_queue()).secret}/"


def _report_path(reference: str) -> str:
    from tremplin.staffing.models import Contract

    return f"/statistiques/contrats/{Contract.objects.get(reference=reference).pk}/compte-rendu/"


def main(base_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tremplin.settings")
    # Sync Playwright runs an event loop on this thread; the ORM reads here are plain and short.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    django.setup()
    from playwright.sync_api import sync_playwright

    from tremplin.demo.dataset import DEMO_PASSWORD
    from tremplin.demo.selectors import demo_codes

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        contexts = {}
        for email, path, name in PAGES:
            if email not in contexts:
                # One sign-in per account: a TOTP code is accepted once, a second sign-in would wait.
                contexts[email] = _signed_in(browser, base_url, email, DEMO_PASSWORD, demo_codes)
            page = contexts[email].new_page()
            page.goto(path() if callable(path) else path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=SHOTS / name)
            print(f"{name}: {page.url}")
            page.close()
        for context in contexts.values():
            context.close()
        browser.close()


def _signed_in(browser, base_url, email, password, demo_codes):
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 1280, "height": 900},
        locale="fr-FR",
        timezone_id="Europe/Paris",
    )
    page = context.new_page()
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    if "double-authentification" in page.url:
        code = next(c.code for c in demo_codes() if c.email == email)
        page.get_by_label("Code à 6 chiffres").fill(code)
        page.get_by_role("button", name="Valider").click()
        page.wait_for_load_state()
    page.close()
    return context


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
