"""What a throttled login gets: the API's error format under /api/, the lockout page elsewhere."""

from django.http import JsonResponse
from django.shortcuts import render

from kopdes.accounts.errors import LockedOut


def lockout_response(request, error: LockedOut):
    minutes = error.params.get("minutes", 15)
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {**error.as_dict(), "fields": {}}}, status=LockedOut.status)
    return render(
        request, "web/locked_out.html", {"cooloff_minutes": minutes}, status=LockedOut.status
    )
