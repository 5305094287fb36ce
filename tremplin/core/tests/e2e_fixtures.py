"""Pytest plugin for the end-to-end tests: Debian's Chromium driven by Playwright, a live server, axe.

Registered in the root conftest. Never `playwright install`: the browser is Debian's (`make system-deps`).
"""

import os
import threading
import time
from base64 import b32decode
from pathlib import Path

import pytest

from tremplin.accounts.tests.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
#: The flags seen working on these machines; the network ones keep Chromium off the closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}
#: axe impacts that fail a test; "minor" and "moderate" findings are left to review.
BLOCKING_IMPACTS = ("serious", "critical")
#: For actions and `expect`: generous, as CI may share the machine's two cores with other work.
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config, items):
    """Without Chromium the e2e tests are skipped, with the reason; in CI they must run."""
    if CHROMIUM.exists():
        return
    e2e_items = [item for item in items if item.get_closest_marker("e2e")]
    if e2e_items and os.environ.get("CI", "").lower() in {"1", "true"}:
        raise pytest.UsageError(f"CI must run the e2e tests: {CHROMIUM} is missing")
    skip = pytest.mark.skip(
        reason=f"e2e: {CHROMIUM} is missing; install it with `make system-deps` (Debian chromium)"
    )
    for item in e2e_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser(live_server):
    """One Chromium per test process; each test gets its own context (cookies, storage).

    It depends on the live server so that it closes first: see `_wait_for_live_server_threads`.
    """
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    # Sync Playwright keeps an asyncio loop on this thread, which Django's ORM guard would refuse.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
            _wait_for_live_server_threads()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _wait_for_live_server_threads(timeout: float = 5.0) -> None:
    """Lets the live server's request threads end before it stops sharing the test database.

    Closing Chromium ends its keep-alive connections; a thread that closes one after the server
    stopped would touch the in-memory SQLite connection from the wrong thread.
    """
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture
def new_page(browser, live_server):
    """Factory of pages on the live server, each in a fresh French-speaking browser context."""
    contexts = []

    def make(*, viewport=DESKTOP, javascript=True, **options):
        context = browser.new_context(
            base_url=live_server.url,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport=viewport,
            java_script_enabled=javascript,
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop page (1280×900)."""
    return new_page()


@pytest.fixture
def tablet_page(new_page):
    """A touch tablet in portrait (768×1024), the mediators' usual device."""
    return new_page(viewport=TABLET, has_touch=True)


def axe_check(page) -> None:
    """Fails the test with every serious or critical axe violation of the page as it is now.

    axe is a script: on a page without JavaScript it would wait forever; use `axe_check_twin`.
    """
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    if not blocking:
        return
    lines = [f"axe: {len(blocking)} serious/critical violation(s) on {page.url}"]
    for violation in blocking:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = "; ".join(line.strip() for line in node.get("failureSummary", "").splitlines()[1:])
            lines.append(f"    at {target}: {summary}")
    pytest.fail("\n".join(lines), pytrace=False)


def axe_check_twin(page, new_page) -> None:
    """Scans what a page without JavaScript shows: the same URL and session, scripts on."""
    twin = new_page(storage_state=page.context.storage_state())
    twin.goto(page.url)
    axe_check(twin)


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Signs in through the real form, as a person would."""
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()


def sign_in_with_code(page, user) -> None:
    """Signs in a person who must give a second factor: a confirmed TOTP device, then its current code."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="e2e", confirmed=True)
    sign_in(page, user.email)
    page.get_by_label("Code à 6 chiffres").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Valider").click()
    page.wait_for_load_state()


def sign_out(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion/")


def totp_key(base32_secret: str) -> bytes:
    """The key behind a base32 secret as shown to people (groups of four, no padding)."""
    secret = "".join(base32_secret.split()).upper()
    return b32decode(secret + "=" * (-len(secret) % 8))
