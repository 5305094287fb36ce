from pathlib import Path

import pytest

from .factories import CommuneFactory, DepartementFactory

DATA = Path(__file__).parent / "data"

#: The communes the sample files in data/ point to, as (département, INSEE code, name).
SAMPLE_COMMUNES = [
    ("03", "03173", "Molinet"),
    ("03", "03190", "Moulins"),
    ("03", "03310", "Vichy"),
    ("92", "92012", "Boulogne-Billancourt"),
    ("75", "75108", "Paris 8e Arrondissement"),
    ("2A", "2A004", "Ajaccio"),
]


@pytest.fixture
def communes(db) -> dict:
    """The sample files' communes, by INSEE code."""
    return {
        code: CommuneFactory(code=code, name=name, departement=DepartementFactory(code=departement))
        for departement, code, name in SAMPLE_COMMUNES
    }


def data_file(name: str) -> Path:
    return DATA / name
