"""A world frozen at 07:00 on Monday 2 March 2026 (London), with one published module."""

import datetime
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine

from tests.conftest import World
from tests.support.training import publish_module
from training.models import Module

LONDON = zoneinfo.ZoneInfo("Europe/London")
DAY_ONE = datetime.date(2026, 3, 2)


def at_seven(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(7, 0), tzinfo=LONDON)


@dataclass
class Frozen:
    world: World
    module: Module
    traveller: time_machine.Traveller

    def go_to(self, day: datetime.date) -> None:
        self.traveller.move_to(at_seven(day))


@pytest.fixture
def frozen(db: None) -> Iterator[Frozen]:
    with time_machine.travel(at_seven(DAY_ONE), tick=False) as traveller:
        yield Frozen(World(), publish_module(), traveller)
