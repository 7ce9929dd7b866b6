"""Worker side of reporting: forgetting statistics validators (run weekly by
tasks.purge_stats_validators; services.stats_validator_record records them).

A validator whose response has not changed for VALIDATOR_RETENTION is forgotten. Every
combination of parameters anyone ever asked for has one, so without this the table only
grows. Forgetting is safe: the ETag is the body's hash and stays the same, so
If-None-Match still gets 304; If-Modified-Since gets the body once, then 304 again.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from reporting.models import StatsValidator

logger = logging.getLogger(__name__)

VALIDATOR_RETENTION = datetime.timedelta(days=90)


@transaction.atomic
def stats_validators_purge(*, retention: datetime.timedelta = VALIDATOR_RETENTION) -> int:
    """Forget the validators of responses unchanged for longer than `retention`; returns
    how many went. Deleting is idempotent: a second run finds nothing more to delete."""
    deleted, _ = StatsValidator.objects.filter(changed_at__lt=timezone.now() - retention).delete()
    if deleted:
        logger.info("forgot %s statistics validators unchanged for %s", deleted, retention)
    return deleted
