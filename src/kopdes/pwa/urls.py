"""/m/: the member app's shell, manifest and service worker."""

from django.urls import path

from kopdes.pwa import views

app_name = "pwa"

urlpatterns = [
    path("", views.shell, name="shell"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
]
