"""Bahasa Indonesia: `1 Des 2026`, `1 Des 2026 14.05` (`{{ value|date }}`, `{{ value }}`)."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H.i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H.i"
TIME_FORMAT = "H.i"
YEAR_MONTH_FORMAT = "F Y"

# A form takes the ISO date first: `<input type="date">` sends and shows only yyyy-mm-dd, and a
# localized date widget renders with the first of these. The Indonesian ways follow.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-12-01'
    "%d-%m-%Y",  # '01-12-2026'
    "%d/%m/%Y",  # '01/12/2026'
    "%d-%m-%y",  # '01-12-26'
    "%d/%m/%y",  # '01/12/26'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",  # '2026-12-01T14:05' (<input type="datetime-local">)
    "%Y-%m-%d %H:%M:%S",  # '2026-12-01 14:05:59'
    "%Y-%m-%d %H:%M",  # '2026-12-01 14:05'
    "%Y-%m-%d",  # '2026-12-01'
    "%d-%m-%Y %H.%M.%S",  # '01-12-2026 14.05.59'
    "%d-%m-%Y %H.%M",  # '01-12-2026 14.05'
]
