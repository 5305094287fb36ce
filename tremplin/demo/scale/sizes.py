"""How big the synthetic nation is, from `--scale` (1 = the national programme of PRODUCT.md §1).

At full scale: about 17,000 points of contact (La Poste's network), 400 post offices with mediation in
57 départements, 1,000 mediators over three years, 5 million interactions, 300,000 followed people
and 50,000 workshop sessions. A small scale keeps a few of everything, so that every kind of row and
every relation exists even in a test's data set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

FULL = {
    "points_of_contact": 17_000,
    "departements": 57,
    "mediation_sites": 400,
    "mediators": 1_000,
    "interactions": 5_000_000,
    "beneficiaries": 300_000,
    "workshop_sessions": 50_000,
}
#: The least of each, whatever the scale: two départements (so tenancy has something to separate),
#: a rotating team and a fixed one, people followed, workshops held.
FLOOR = {
    "points_of_contact": 12,
    "departements": 2,
    "mediation_sites": 3,
    "mediators": 4,
    "interactions": 1_000,
    "beneficiaries": 20,
    "workshop_sessions": 6,
}


@dataclass(frozen=True)
class Sizes:
    scale: float
    points_of_contact: int
    departements: int
    mediation_sites: int
    mediators: int
    interactions: int
    beneficiaries: int
    workshop_sessions: int

    @classmethod
    def for_scale(cls, scale: float) -> Sizes:
        counts = {name: max(FLOOR[name], round(FULL[name] * scale)) for name in FULL}
        counts["points_of_contact"] = max(counts["points_of_contact"], 3 * counts["mediation_sites"])
        counts["mediators"] = max(counts["mediators"], counts["departements"] * 2)
        return cls(scale=scale, **counts)


@dataclass(frozen=True)
class Period:
    """The days of activity: `years` years up to `until` included."""

    first_day: date
    until: date

    @classmethod
    def ending(cls, until: date, years: int) -> Period:
        try:
            first = until.replace(year=until.year - years)
        except ValueError:  # 29 February
            first = until.replace(year=until.year - years, day=28)
        return cls(first_day=date.fromordinal(first.toordinal() + 1), until=until)

    @property
    def days(self) -> int:
        return (self.until - self.first_day).days + 1
