"""French counts read as French: « 0 personne en attente », « 1 atelier », « 2 ateliers ».

Every plural string of the templates must be in the French catalogue (tremplin/locale), or it would
follow the English rule and say « 0 personnes ». `make messages` brings the catalogue up to date."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import engines
from django.template.loader import get_template
from django.templatetags.i18n import BlockTranslateNode
from django.utils import translation

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES" / "django.po"


def _nodes(nodelist):
    for node in nodelist:
        yield node
        for name in getattr(node, "child_nodelists", ()):
            yield from _nodes(getattr(node, name, None) or [])


def template_plurals() -> set[tuple[str, str]]:
    """(singular, plural) msgids of every `{% blocktranslate count %}` in the project's templates."""
    found = set()
    for directory in engines["django"].template_dirs:
        if "tremplin" not in Path(directory).parts:
            continue
        for path in Path(directory).rglob("*.html"):
            template = get_template(str(path.relative_to(directory))).template
            for node in _nodes(template.nodelist):
                if isinstance(node, BlockTranslateNode) and node.plural:
                    singular, _vars = node.render_token_list(node.singular)
                    plural, _vars = node.render_token_list(node.plural)
                    found.add((singular, plural))
    return found


def test_every_plural_of_the_templates_is_in_the_french_catalogue():
    plurals = template_plurals()
    assert len(plurals) > 20
    catalogue = {(entry.msgid, entry.msgid_plural) for entry in polib.pofile(str(CATALOGUE))}
    missing = sorted(plurals - catalogue)
    assert not missing, f"run `make messages`: plurals missing from {CATALOGUE.name}: {missing}"


def test_zero_and_one_take_the_singular_and_more_the_plural():
    template = engines["django"].from_string(
        "{% load i18n %}{% blocktranslate count counter=n %}{{ counter }} personne en attente"
        "{% plural %}{{ counter }} personnes en attente{% endblocktranslate %}"
    )
    with translation.override("fr"):
        assert [template.render({"n": n}) for n in (0, 1, 2)] == [
            "0 personne en attente",
            "1 personne en attente",
            "2 personnes en attente",
        ]
