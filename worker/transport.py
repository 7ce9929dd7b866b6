"""kombu's Redis transport with one fix: a worker survives Redis going away while a
late-acknowledged task runs (settings: CELERY_BROKER_TRANSPORT).

A kombu 5.7.0 Redis channel that is waiting on BRPOP reads that reply before it closes;
with the broker gone the read raises and the close stops half-way. Celery 5.7.0, on
losing the broker, closes the connection twice (collect, then close) and drops the
transport in between, so the second close tries to hand the channel's unacknowledged
messages back through a transport that is gone and raises AttributeError, which Celery
does not take for a connection error: the worker exits ("Unrecoverable error") instead
of reconnecting. Here a reply that cannot come counts as none, so the first close
completes. Those messages stay in Redis's unacked set (or were lost with it); Redis
after the visibility timeout, or the job relay after the lease, sends them again.
"""

import contextlib
from collections.abc import Callable
from queue import Empty

from kombu.transport import redis


class Channel(redis.Channel):
    # kombu's stubs leave out the channel's private parts this reads.
    _in_poll: object
    _brpop_read: Callable[[], bool]
    connection_errors: tuple[type[BaseException], ...]

    def close(self) -> None:
        if self._in_poll:
            # No message waiting, or no broker left to answer: either way, close.
            with contextlib.suppress(Empty, *self.connection_errors):
                self._brpop_read()
        super().close()


class Transport(redis.Transport):
    Channel = Channel
