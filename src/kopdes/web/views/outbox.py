"""The outbox (`/app/pesan-keluar/`): the messages the outbox backend of `kopdes.core.messaging`
kept instead of delivering them, so the demo shows its one-time codes. Only while the outbox
backend is in use; in production to superusers only, outside production (the demo) to anyone
signed in. Phone numbers masked. 404 otherwise, like a page that does not exist."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path

from kopdes.core import messaging


def outbox_visible(user) -> bool:
    if not messaging.outbox_active() or not user.is_authenticated:
        return False
    return bool(user.is_superuser or not settings.PRODUCTION)


@login_required
def outbox(request):
    if not outbox_visible(request.user):
        raise Http404
    return render(request, "web/outbox.html", {"messages_out": messaging.outbox(limit=50)})


urlpatterns = [path("app/pesan-keluar/", outbox, name="outbox")]
