import json

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from bare.models import Submission


@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    payload = json.loads(request.body)
    with transaction.atomic():
        row = Submission.objects.create(service=payload["service"], answers=payload["answers"])
    return JsonResponse({"reference": f"BARE-{row.pk}"}, status=201)
