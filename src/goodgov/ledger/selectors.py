from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from goodgov.ledger.models import Event


def events_for(subject: models.Model) -> QuerySet[Event]:
    return Event.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk)
    ).order_by("id")
