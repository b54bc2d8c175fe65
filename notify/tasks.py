from __future__ import annotations

from celery import shared_task

from notify.models import Delivery, Outcome
from notify.service import attempt_delivery


@shared_task(name="notify.tasks.retry_delivery", acks_late=True)
def retry_delivery(delivery_id: int) -> None:
    claimed = Delivery.objects.filter(pk=delivery_id, outcome=Outcome.RETRY).first()
    if claimed is not None:
        attempt_delivery(claimed)
