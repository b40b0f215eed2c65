"""Staff pages. Each views module owns its `urlpatterns`; this file only strings them together."""

from kopdes.web.views import account, cooperatives, regions

app_name = "web"

urlpatterns = [*account.urlpatterns, *regions.urlpatterns, *cooperatives.urlpatterns]
