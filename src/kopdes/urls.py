from django.urls import include, path

from kopdes.api.urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("m/", include("kopdes.pwa.urls")),
    path("", include("kopdes.web.urls")),
]

handler400 = "kopdes.web.views.errors.bad_request"
handler403 = "kopdes.web.views.errors.permission_denied"
handler404 = "kopdes.web.views.errors.page_not_found"
handler500 = "kopdes.web.views.errors.server_error"
