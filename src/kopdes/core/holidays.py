"""Indonesia's national holidays (libur nasional) and collective leave days (cuti bersama): the
days, besides Saturdays and Sundays, on which banks and the government do not work, so a payment
due that day falls due on the next working day (the state-bank loan of PMK 49/2025: installments
due on the 12th or the next working day).

Sources: the joint decree of three ministers (SKB 3 Menteri: Menteri Agama, Menteri
Ketenagakerjaan, Menteri PANRB) of each year:

- 2025: SKB No. 1017/2024, 2/2024, 2/2024 (17 libur nasional, 10 cuti bersama), and the
  18 August 2025 cuti bersama added in August 2025;
- 2026: SKB No. 1497/2025, 2/2025, 5/2025 (17 libur nasional, 8 cuti bersama);
- 2027: no SKB published yet when this list was written: only the holidays fixed by law on the
  calendar (1 January, 1 May, 1 June (Keppres 24/2016), 17 August, 25 December). The religious
  holidays and cuti bersama of 2027 are added here when the SKB is signed (usually in September of
  the year before); until then a schedule treats those days as working days.

A year not in the list gets only its weekends skipped. Pure data and pure functions, no ORM.
"""

from collections.abc import Iterable
from datetime import date, timedelta

# (day, name) pairs; names as the SKB writes them.
LIBUR_NASIONAL: tuple[tuple[date, str], ...] = (
    # 2025
    (date(2025, 1, 1), "Tahun Baru 2025 Masehi"),
    (date(2025, 1, 27), "Isra Mikraj Nabi Muhammad SAW"),
    (date(2025, 1, 29), "Tahun Baru Imlek 2576 Kongzili"),
    (date(2025, 3, 29), "Hari Suci Nyepi (Tahun Baru Saka 1947)"),
    (date(2025, 3, 31), "Idul Fitri 1446 Hijriah"),
    (date(2025, 4, 1), "Idul Fitri 1446 Hijriah"),
    (date(2025, 4, 18), "Wafat Yesus Kristus"),
    (date(2025, 4, 20), "Kebangkitan Yesus Kristus (Paskah)"),
    (date(2025, 5, 1), "Hari Buruh Internasional"),
    (date(2025, 5, 12), "Hari Raya Waisak 2569 BE"),
    (date(2025, 5, 29), "Kenaikan Yesus Kristus"),
    (date(2025, 6, 1), "Hari Lahir Pancasila"),
    (date(2025, 6, 6), "Idul Adha 1446 Hijriah"),
    (date(2025, 6, 27), "1 Muharam Tahun Baru Islam 1447 Hijriah"),
    (date(2025, 8, 17), "Proklamasi Kemerdekaan"),
    (date(2025, 9, 5), "Maulid Nabi Muhammad SAW"),
    (date(2025, 12, 25), "Kelahiran Yesus Kristus"),
    # 2026
    (date(2026, 1, 1), "Tahun Baru 2026 Masehi"),
    (date(2026, 1, 16), "Isra Mikraj Nabi Muhammad SAW"),
    (date(2026, 2, 17), "Tahun Baru Imlek 2577 Kongzili"),
    (date(2026, 3, 19), "Hari Suci Nyepi (Tahun Baru Saka 1948)"),
    (date(2026, 3, 21), "Idul Fitri 1447 Hijriah"),
    (date(2026, 3, 22), "Idul Fitri 1447 Hijriah"),
    (date(2026, 4, 3), "Wafat Yesus Kristus"),
    (date(2026, 4, 5), "Kebangkitan Yesus Kristus (Paskah)"),
    (date(2026, 5, 1), "Hari Buruh Internasional"),
    (date(2026, 5, 14), "Kenaikan Yesus Kristus"),
    (date(2026, 5, 27), "Idul Adha 1447 Hijriah"),
    (date(2026, 5, 31), "Hari Raya Waisak 2570 BE"),
    (date(2026, 6, 1), "Hari Lahir Pancasila"),
    (date(2026, 6, 16), "1 Muharam Tahun Baru Islam 1448 Hijriah"),
    (date(2026, 8, 17), "Proklamasi Kemerdekaan"),
    (date(2026, 8, 25), "Maulid Nabi Muhammad SAW"),
    (date(2026, 12, 25), "Kelahiran Yesus Kristus"),
    # 2027: the days fixed by law only (see the module's docstring)
    (date(2027, 1, 1), "Tahun Baru 2027 Masehi"),
    (date(2027, 5, 1), "Hari Buruh Internasional"),
    (date(2027, 6, 1), "Hari Lahir Pancasila"),
    (date(2027, 8, 17), "Proklamasi Kemerdekaan"),
    (date(2027, 12, 25), "Kelahiran Yesus Kristus"),
)

CUTI_BERSAMA: tuple[tuple[date, str], ...] = (
    # 2025
    (date(2025, 1, 28), "Cuti bersama Tahun Baru Imlek"),
    (date(2025, 3, 28), "Cuti bersama Hari Suci Nyepi"),
    (date(2025, 4, 2), "Cuti bersama Idul Fitri"),
    (date(2025, 4, 3), "Cuti bersama Idul Fitri"),
    (date(2025, 4, 4), "Cuti bersama Idul Fitri"),
    (date(2025, 4, 7), "Cuti bersama Idul Fitri"),
    (date(2025, 5, 13), "Cuti bersama Hari Raya Waisak"),
    (date(2025, 5, 30), "Cuti bersama Kenaikan Yesus Kristus"),
    (date(2025, 6, 9), "Cuti bersama Idul Adha"),
    (date(2025, 8, 18), "Cuti bersama Hari Kemerdekaan"),
    (date(2025, 12, 26), "Cuti bersama Kelahiran Yesus Kristus"),
    # 2026
    (date(2026, 2, 16), "Cuti bersama Tahun Baru Imlek"),
    (date(2026, 3, 18), "Cuti bersama Hari Suci Nyepi"),
    (date(2026, 3, 20), "Cuti bersama Idul Fitri"),
    (date(2026, 3, 23), "Cuti bersama Idul Fitri"),
    (date(2026, 3, 24), "Cuti bersama Idul Fitri"),
    (date(2026, 5, 15), "Cuti bersama Kenaikan Yesus Kristus"),
    (date(2026, 5, 28), "Cuti bersama Idul Adha"),
    (date(2026, 12, 24), "Cuti bersama Kelahiran Yesus Kristus"),
)

# The days off besides weekends, for `next_working_day`.
NATIONAL_DAYS_OFF: frozenset[date] = frozenset(day for day, _ in LIBUR_NASIONAL + CUTI_BERSAMA)


def is_working_day(day: date, holidays: Iterable[date] = NATIONAL_DAYS_OFF) -> bool:
    """Monday to Friday and not a holiday."""
    off = holidays if isinstance(holidays, (set, frozenset)) else frozenset(holidays)
    return day.weekday() < 5 and day not in off


def next_working_day(day: date, holidays: Iterable[date] = NATIONAL_DAYS_OFF) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    off = holidays if isinstance(holidays, (set, frozenset)) else frozenset(holidays)
    while not is_working_day(day, off):
        day += timedelta(days=1)
    return day
