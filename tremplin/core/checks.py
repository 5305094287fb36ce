"""Deployment checks of our own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Limits kept in the cache (public bookings per connection) must be shared by every worker."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                "Le cache est propre à chaque processus : les limites (inscriptions publiques par "
                "connexion) seraient multipliées par le nombre de workers.",
                hint="Définissez CACHE_URL=redis://127.0.0.1:6379/1 (ou l'adresse de votre Redis).",
                id="tremplin.W001",
            )
        ]
    return []
