"""Enqueueing background jobs once a transaction commits (ADR 0015).

The rule: a change that has committed stands, whatever happens to its job. If the broker
cannot take the job at that moment (or, in the embedded default, the job run in-process
fails), the error is logged and the request still answers success; the work stays
recorded as pending in the database (a certificate without its PDF, an account with no
invitation sent time, a report still pending) for a retry command or a later relay.
"""

import logging
from functools import partial
from typing import Any

from django.db import transaction

logger = logging.getLogger("core.jobs")

# Try the broker briefly, then give up: a request must not hang on a broker that is down.
PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}


def enqueue(task: Any, *args: Any) -> bool:
    """Send one job to the broker now; log and return False if it cannot be sent."""
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:
        logger.exception(
            "could not enqueue %s%r; the change is saved and its work stays pending",
            getattr(task, "name", task),
            args,
        )
        return False
    return True


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Enqueue the job once the current transaction commits (nothing if it rolls back);
    a failure to enqueue never turns the committed change into an error."""
    transaction.on_commit(partial(enqueue, task, *args))
