"""The French table of demo accounts that `load_demo` prints at the end."""

from tremplin.core.roles import Role

from . import dataset
from .selectors import demo_totp_devices


def accounts_table() -> str:
    operators = {spec.key: spec.name for spec in dataset.OPERATORS}
    with_totp = set(demo_totp_devices().values_list("user__email", flat=True))
    header = ("E-mail", "Rôle", "Structure", "Mot de passe", "Code à 6 chiffres")
    rows = [
        (
            person.email,
            str(Role(person.role).label) + (" (national)" if person.is_national else ""),
            operators[person.operator],
            dataset.DEMO_PASSWORD,
            "make demo-codes" if person.email in with_totp else "non demandé",
        )
        for person in dataset.DEMO_ACCOUNTS
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def line(cells):
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    secret = " ".join(dataset.DEMO_TOTP_SECRET[i : i + 4] for i in range(0, len(dataset.DEMO_TOTP_SECRET), 4))
    return "\n".join(
        [
            "",
            "Comptes de démonstration (http://127.0.0.1:8000/ avec « make run ») :",
            "",
            line(header),
            line(["-" * width for width in widths]),
            *(line(row) for row in rows),
            "",
            *(
                f"{person.email} ouvre aussi l'administration Django (/admin/)."
                for person in dataset.DEMO_ACCOUNTS
                if person.is_staff
            ),
            "Administrateurs, coordinateurs et financeurs confirment leur connexion par un code à 6",
            "chiffres. Pour l'obtenir sans téléphone : « make demo-codes » (ou « python manage.py",
            "demo_codes »). Avec une application d'authentification, ajoutez la clé de démonstration",
            f"{secret} : elle est la même pour tous les comptes de démonstration.",
            "Un code ne sert qu'une fois : juste après une connexion, attendez le suivant (30 s).",
            "",
        ]
    )
