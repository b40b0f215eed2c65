from django.urls import path

from kopdes.web.views import errors

app_name = "web"

urlpatterns = [
]
