"""`kopdes witness`: a transparency-log witness (C2SP tlog-witness, tlog-cosignature) that another
party runs (the Inspektorat, the Kejaksaan, a university), with its own Ed25519 key and its own
state, next to the platform but not inside it.

It cosigns a cooperative's checkpoint only after checking the platform's signature and an
RFC 9162 consistency proof from the last checkpoint it cosigned for that cooperative, so a log
that rewrites its history (or shows two histories to two people) cannot get it cosigned.

Django-independent: it needs neither the product's settings nor its database (import-linter's
contract "The witness runs without the product" keeps it so). `protocol` holds the checks,
`state` the SQLite file, `server` the HTTP service, `command` the console command.
"""
