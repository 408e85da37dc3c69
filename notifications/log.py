"""The sent-once log: claim a delivery before sending it, record how it went after.

Before anything is sent, the gateway claims a row of ``ReminderLog`` (unique on kind, object,
day due, person and channel) with ``INSERT … ON CONFLICT DO NOTHING`` in a short
transaction; it sends only what it claimed, then records the outcome on the row. A second
scan, a retried task or a second worker finds the rows taken and sends nothing. The same
transaction writes one ``ReminderOccurrence`` per reminder, which lets the next scans leave
handled reminders out in SQL (one lookup per object, not one per person and channel). A
delivery that failed stays on the row with its error and is claimed again by the next scan
(or task retry) while the reminder is still current, up to
``MINSHENG_REMINDER_MAX_ATTEMPTS``; then it is marked as failed for good.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import DeliveryStatus
from .models import ReminderLog, ReminderOccurrence

logger = logging.getLogger(__name__)

BATCH_SIZE = 500

# (kind, content type id, object id, day due, recipient id, channel): what a row is unique on.
Key = tuple


def stale_before() -> datetime.datetime:
    """Claims older than this were lost with their scan and may be taken again."""
    return timezone.now() - datetime.timedelta(seconds=settings.MINSHENG_REMINDER_CLAIM_TIMEOUT)


@dataclass
class Sorted:
    """Planned deliveries sorted by what the log says of them."""

    to_insert: list = field(default_factory=list)
    to_reclaim: list[int] = field(default_factory=list)
    claimable: list = field(default_factory=list)
    skipped: int = 0


def sort_planned(planned: list, *, stale: datetime.datetime) -> Sorted:
    """Which of ``planned`` ((key, …) tuples) are new, which failed or were lost, which are done."""
    existing = {
        row[:6]: row[6:]
        for row in ReminderLog.objects.filter(
            kind__in={key[0] for key, *_ in planned},
            content_type_id__in={key[1] for key, *_ in planned},
            object_id__in={key[2] for key, *_ in planned},
            due_on__in={key[3] for key, *_ in planned},
        ).values_list(
            "kind",
            "content_type_id",
            "object_id",
            "due_on",
            "recipient_id",
            "channel",
            "pk",
            "status",
            "claimed_at",
        )
    }
    result = Sorted()
    for item in planned:
        found = existing.get(item[0])
        if found is None:
            result.to_insert.append(item)
        elif found[1] == DeliveryStatus.FAILED or (
            found[1] == DeliveryStatus.PENDING and found[2] is not None and found[2] < stale
        ):
            result.to_reclaim.append(found[0])
        else:
            result.skipped += 1
            continue
        result.claimable.append(item)
    return result


def claim(
    batch: Sorted, *, now: datetime.datetime, stale: datetime.datetime
) -> tuple[uuid.UUID, dict[Key, tuple[int, int]]]:
    """Claim the batch's rows under a new token; returns it and {key: (pk, attempts)} claimed.

    ``to_insert`` items are (key, notice, …) with the notice's ``project_id`` and ``deadline``.
    """
    token = uuid.uuid4()
    with transaction.atomic():
        ReminderOccurrence.objects.bulk_create(
            [
                ReminderOccurrence(
                    kind=kind, content_type_id=content_type_id, object_id=object_id, due_on=due_on
                )
                # Sorted: two scans inserting the same rows take the locks in one order.
                for kind, content_type_id, object_id, due_on in sorted(
                    {key[:4] for key, *_rest in batch.to_insert}
                )
            ],
            ignore_conflicts=True,
            batch_size=BATCH_SIZE,
        )
        ReminderLog.objects.bulk_create(
            [
                ReminderLog(
                    kind=key[0],
                    content_type_id=key[1],
                    object_id=key[2],
                    due_on=key[3],
                    recipient_id=key[4],
                    channel=key[5],
                    project_id=notice.project_id,
                    deadline=notice.deadline,
                    status=DeliveryStatus.PENDING,
                    claim_token=token,
                    claimed_at=now,
                )
                for key, notice, *_rest in batch.to_insert
            ],
            ignore_conflicts=True,
            batch_size=BATCH_SIZE,
        )
        if batch.to_reclaim:
            # Conditional: of two scans reclaiming the same row, only one matches.
            ReminderLog.objects.filter(pk__in=batch.to_reclaim).filter(
                Q(status=DeliveryStatus.FAILED)
                | Q(status=DeliveryStatus.PENDING, claimed_at__lt=stale)
            ).update(
                status=DeliveryStatus.PENDING, claim_token=token, claimed_at=now, updated_at=now
            )
    claimed = {
        row[:6]: row[6:]
        for row in ReminderLog.objects.filter(
            claim_token=token, status=DeliveryStatus.PENDING
        ).values_list(
            "kind",
            "content_type_id",
            "object_id",
            "due_on",
            "recipient_id",
            "channel",
            "pk",
            "attempts",
        )
    }
    return token, claimed


def release(token) -> None:
    """Hand back what a stopped scan claimed and did not send, for the next run to take up."""
    try:
        ReminderLog.objects.filter(claim_token=token, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.FAILED,
            error=_("The scan stopped before sending this reminder."),
            claim_token=None,
            updated_at=timezone.now(),
        )
    except Exception:
        logger.exception("could not release the reminders claimed by scan %s", token)


def record(pk: int, token, **values) -> None:
    """Write how a claimed delivery went (only while the claim is still this scan's)."""
    ReminderLog.objects.filter(pk=pk, claim_token=token).update(**values)


def first_occurrence(notice) -> bool:
    """Mark ``notice`` as gone out; True only the first time (for recipients outside the log).

    A shared mailbox is not a person with a row of the log: its copy is sent once, when the
    occurrence of the notice is first written.
    """
    _occurrence, created = ReminderOccurrence.objects.get_or_create(
        kind=notice.kind,
        content_type=ContentType.objects.get_for_model(type(notice.target)),
        object_id=notice.target.pk,
        due_on=notice.due_on,
    )
    return created
