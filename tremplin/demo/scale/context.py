"""What every step of the generator shares: the seed, the sizes, the period, the sink, the clock."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .sink import Sink
from .sizes import Period, Sizes

PARIS = ZoneInfo("Europe/Paris")

#: Every e-mail address of the synthetic nation ends with this (a reserved top-level domain).
EMAIL_DOMAIN = "synthetique.tremplin.test"
#: Every synthetic point of contact's La Poste identifier starts with this.
SITE_PREFIX = "SYN-"
#: Every synthetic operator's name ends with this.
OPERATOR_SUFFIX = " (fictif)"


def local(day: date, moment: time) -> datetime:
    """A wall-clock time in Paris as a UTC instant: add minutes to it, never to the local time."""
    return datetime.combine(day, moment, tzinfo=PARIS).astimezone(UTC)


def local_day(instant: datetime) -> date:
    return instant.astimezone(PARIS).date()


def random_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass
class Context:
    seed: int
    sizes: Sizes
    period: Period
    sink: Sink
    #: Counts per step, for the command's report and the journal.
    counts: dict[str, int] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        """An independent random stream per concern, so that one step's draws do not shift another's."""
        return random.Random(f"{self.seed}/{name}")

    @property
    def created_at(self) -> datetime:
        """When the reference rows (sites, operators, accounts) were created: before the first shift."""
        return local(self.period.first_day - timedelta(days=30), time(8, 0))

    @property
    def end(self) -> datetime:
        """The end of the last day of activity: nothing happens after it."""
        return local(self.period.until + timedelta(days=1), time(0, 0))
