"""The member app (PWA) at /m/: one small page, its ES modules, the manifest and the service
worker. It holds no data of its own: every screen reads the JSON API (`/api/v1/me/...`) with
the member's bearer token (docs/adr/0032-member-pwa.md)."""
