"""What a locked-out login gets: the API's error format under /api/, the lockout page elsewhere."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from kopdes.accounts.errors import LockedOut


def lockout_response(request, response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        error = LockedOut(minutes=minutes).as_dict()
        return JsonResponse({"error": {**error, "fields": {}}}, status=LockedOut.status)
    return render(
        request, "web/locked_out.html", {"cooloff_minutes": minutes}, status=LockedOut.status
    )
