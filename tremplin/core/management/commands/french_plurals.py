"""Keeps the French catalogue to what it is for: the plural forms of our French msgids.

The interface is written in French, so no string needs translating; but a plural string found in no
catalogue follows the English rule (« 0 personnes »). French puts 0 and 1 in the singular. Run by
`make messages` after `makemessages -l fr`: keeps only the plural entries, fills their two French forms
from the msgids, and compiles the catalogue."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

HEADER = {
    "Project-Id-Version": "Tremplin",
    "Language": "fr",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n > 1);",
}


def catalogue_path() -> Path:
    return Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES" / "django.po"


class Command(BaseCommand):
    help = "Réduit le catalogue français aux formes du pluriel, les remplit et le compile (make messages)."

    def handle(self, *args, **options):
        path = catalogue_path()
        extracted = polib.pofile(str(path))
        catalogue = polib.POFile(wrapwidth=110)
        catalogue.metadata = HEADER
        for entry in extracted:
            if not entry.msgid_plural or entry.obsolete:
                continue
            catalogue.append(
                polib.POEntry(
                    msgid=entry.msgid,
                    msgid_plural=entry.msgid_plural,
                    msgctxt=entry.msgctxt,
                    msgstr_plural={0: entry.msgid, 1: entry.msgid_plural},
                )
            )
        catalogue.sort()
        catalogue.save(str(path))
        catalogue.save_as_mofile(str(path.with_suffix(".mo")))
        self.stdout.write(f"{len(catalogue)} formes du pluriel dans {path.relative_to(settings.BASE_DIR)}.")
