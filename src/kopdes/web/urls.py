"""Staff pages. Each views module owns its `urlpatterns`; this file only strings them together."""

from kopdes.web.views import (
    account,
    books,
    commerce_catalogue,
    commerce_pos,
    commerce_stock,
    cooperatives,
    home,
    loans,
    loans_counter,
    loans_reconcile,
    loans_reports,
    loans_simulate,
    members,
    regions,
    savings,
    savings_collective,
    statements,
    transparency,
    transparency_log,
    transparency_verifier,
)

app_name = "web"

urlpatterns = [
    *home.urlpatterns,
    *account.urlpatterns,
    *regions.urlpatterns,
    *cooperatives.urlpatterns,
    *books.urlpatterns,
    *statements.urlpatterns,
    *transparency.urlpatterns,
    *transparency_log.urlpatterns,
    *transparency_verifier.urlpatterns,
    *members.urlpatterns,
    *savings.urlpatterns,
    *savings_collective.urlpatterns,
    *loans.urlpatterns,
    *loans_reports.urlpatterns,
    *loans_simulate.urlpatterns,
    *loans_counter.urlpatterns,
    *loans_reconcile.urlpatterns,
    *commerce_pos.urlpatterns,
    *commerce_catalogue.urlpatterns,
    *commerce_stock.urlpatterns,
]
