"""The project's date formats (settings.FORMAT_MODULE_PATH): one way to write a date on every
page and document, `1 Des 2026` in Indonesian and `1 Dec 2026` in English, `1 Des 2026 14.05`
with the time. Anything not set here comes from Django's own locale formats."""
