"""Commerce in the API: the point of sale's offline sync (`POST /pos/sync`) and, later, the
member app's shop (`/me/shop/...`, `/me/purchases`).

`POST /pos/sync` takes the sales a kasir's device rang up while offline and hands them to
`kopdes.commerce.services.sales_sync`, which holds each sale exactly once (its client id is the
idempotency key) and answers one result per sale; the kasir page posts the same payload to its
session + CSRF twin (`web:commerce_pos_sync`), which calls the same service.
"""

from ninja import Router

from kopdes.api.base import api

router = Router(tags=["commerce"])


api.add_router("/", router)
