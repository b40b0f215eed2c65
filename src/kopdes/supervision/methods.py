"""The default methods, as the data migration seeded them (docs/domain.md §5): the ratio method
(Permen KUKM 14/2009, Perdep 06/2016) and the risk-based method's questionnaire frame (Permenkop
9/2020, Juknis 15/2021). The Dinas edits a method by saving a new version
(`services.health_method_revise`); these are version 1. Bands marked `"source": "brief"` follow
the regulation as the issue states it; `"default"` bands are ours, to be checked against the
Perdep's tables."""

from typing import Any


def _b(*rows: tuple[float | None, float | None, int]) -> list[dict[str, Any]]:
    return [{"from": low, "to": high, "score": score} for low, high, score in rows]


RATIO_PREDICATES = [
    {"key": "sehat", "min": 80},
    {"key": "cukup_sehat", "min": 66},
    {"key": "dalam_pengawasan", "min": 51},
    {"key": "dalam_pengawasan_khusus", "min": 0},
]

MANAGEMENT_QUESTIONS = [
    {"key": "m1", "text": "Pengurus dan pengawas menjalankan tugas sesuai AD/ART dan RAPB."},
    {"key": "m2", "text": "RAT tahun buku sebelumnya diselenggarakan tepat waktu."},
    {"key": "m3", "text": "Ada struktur organisasi dan pembagian tugas tertulis."},
    {"key": "m4", "text": "Pengawas memeriksa pembukuan dan kas secara berkala."},
    {"key": "m5", "text": "Ada kebijakan tertulis pemberian pinjaman kepada anggota."},
    {
        "key": "m6",
        "text": "Pinjaman kepada pengurus dan pihak terkait dibatasi dan disetujui bersama.",
    },
    {"key": "m7", "text": "Kas dan bank direkonsiliasi setiap bulan."},
    {"key": "m8", "text": "Modal sendiri cukup untuk menanggung risiko usaha."},
    {"key": "m9", "text": "Likuiditas dipantau dan ada rencana pendanaan."},
    {"key": "m10", "text": "Laporan keuangan disusun tepat waktu dan diumumkan kepada anggota."},
]

RATIO_METHOD: dict[str, Any] = {
    "name": "Metode rasio (Permen KUKM 14/2009, Perdep 06/2016)",
    "predicates": RATIO_PREDICATES,
    "questionnaire": MANAGEMENT_QUESTIONS,
    "aspects": [
        {
            "key": "permodalan",
            "label": "Permodalan",
            "weight": 15,
            "components": [
                {
                    "key": "modal_sendiri_aset",
                    "label": "Modal sendiri terhadap total aset",
                    "ratio": "equity_to_assets",
                    "weight": 6,
                    "source": "default",
                    "bands": _b(
                        (None, 20, 25), (20, 40, 50), (40, 60, 100), (60, 80, 50), (80, None, 25)
                    ),
                },
                {
                    "key": "modal_sendiri_pinjaman",
                    "label": "Modal sendiri terhadap pinjaman diberikan",
                    "ratio": "equity_to_loans",
                    "weight": 9,
                    "source": "default",
                    "bands": _b((None, 25, 25), (25, 50, 50), (50, 75, 75), (75, None, 100)),
                },
            ],
        },
        {
            "key": "kualitas_aktiva",
            "label": "Kualitas Aktiva Produktif",
            "weight": 25,
            "components": [
                {
                    "key": "pinjaman_anggota",
                    "label": "Pinjaman anggota terhadap seluruh pinjaman diberikan",
                    "ratio": "member_loans_share",
                    "weight": 10,
                    "source": "brief",
                    "bands": _b((None, 25, 0), (25, 50, 50), (50, 75, 75), (75, None, 100)),
                },
                {
                    "key": "cadangan_pinjaman",
                    "label": "Cadangan kerugian terhadap pinjaman anggota",
                    "ratio": "allowance_to_loans",
                    "weight": 10,
                    "source": "default",
                    "bands": _b(
                        (None, 1, 100), (1, 5, 75), (5, 10, 50), (10, 20, 25), (20, None, 0)
                    ),
                },
                {
                    "key": "aktiva_produktif",
                    "label": "Aktiva produktif terhadap total aset",
                    "ratio": "productive_assets",
                    "weight": 5,
                    "source": "default",
                    "bands": _b((None, 25, 25), (25, 50, 50), (50, 75, 75), (75, None, 100)),
                },
            ],
        },
        {
            "key": "manajemen",
            "label": "Manajemen",
            "weight": 15,
            "components": [
                {
                    "key": "kuesioner_manajemen",
                    "label": "Kuesioner manajemen (diisi penilai)",
                    "ratio": "questionnaire",
                    "weight": 15,
                    "source": "brief",
                }
            ],
        },
        {
            "key": "efisiensi",
            "label": "Efisiensi",
            "weight": 10,
            "components": [
                {
                    "key": "beban_partisipasi",
                    "label": "Beban operasi terhadap partisipasi bruto",
                    "ratio": "opex_to_member_income",
                    "weight": 4,
                    "source": "default",
                    "bands": _b((None, 90, 100), (90, 95, 75), (95, 100, 50), (100, None, 25)),
                },
                {
                    "key": "beban_usaha_shu_kotor",
                    "label": "Beban usaha terhadap SHU kotor",
                    "ratio": "opex_to_gross_result",
                    "weight": 4,
                    "source": "default",
                    "bands": _b((None, 40, 100), (40, 60, 75), (60, 80, 50), (80, None, 25)),
                },
                {
                    "key": "efisiensi_pelayanan",
                    "label": "Beban gaji dan honor terhadap pendapatan",
                    "ratio": "salaries_to_income",
                    "weight": 2,
                    "source": "default",
                    "bands": _b((None, 5, 100), (5, 10, 75), (10, 15, 50), (15, None, 25)),
                },
            ],
        },
        {
            "key": "likuiditas",
            "label": "Likuiditas",
            "weight": 15,
            "components": [
                {
                    "key": "rasio_kas",
                    "label": "Kas dan bank terhadap kewajiban lancar",
                    "ratio": "cash_ratio",
                    "weight": 10,
                    "source": "brief",
                    "bands": _b((None, 10, 25), (10, 15, 100), (15, 20, 50), (20, None, 25)),
                },
                {
                    "key": "pinjaman_dana",
                    "label": "Pinjaman diberikan terhadap dana yang diterima",
                    "ratio": "loans_to_funds",
                    "weight": 5,
                    "source": "default",
                    "bands": _b((None, 50, 25), (50, 75, 50), (75, 100, 75), (100, None, 100)),
                },
            ],
        },
        {
            "key": "kemandirian",
            "label": "Kemandirian dan Pertumbuhan",
            "weight": 10,
            "components": [
                {
                    "key": "rentabilitas_aset",
                    "label": "SHU terhadap total aset",
                    "ratio": "return_on_assets",
                    "weight": 3,
                    "source": "default",
                    "bands": _b((None, 0.25, 25), (0.25, 0.75, 50), (0.75, 1, 75), (1, None, 100)),
                },
                {
                    "key": "rentabilitas_modal",
                    "label": "SHU terhadap modal sendiri",
                    "ratio": "return_on_equity",
                    "weight": 3,
                    "source": "brief",
                    "bands": _b((None, 1, 25), (1, 3, 50), (3, 5, 75), (5, None, 100)),
                },
                {
                    "key": "kemandirian_operasional",
                    "label": "Pendapatan terhadap beban",
                    "ratio": "income_to_costs",
                    "weight": 4,
                    "source": "default",
                    "bands": _b((None, 100, 25), (100, 125, 50), (125, 150, 75), (150, None, 100)),
                },
            ],
        },
        {
            "key": "jatidiri",
            "label": "Jatidiri Koperasi",
            "weight": 10,
            "components": [
                {
                    "key": "partisipasi_bruto",
                    "label": "Partisipasi bruto terhadap partisipasi bruto dan pendapatan lain",
                    "ratio": "gross_participation",
                    "weight": 10,
                    "source": "brief",
                    "bands": _b((None, 25, 25), (25, 50, 50), (50, 75, 75), (75, None, 100)),
                }
            ],
        },
    ],
}

# The risk-based method (Permenkop 9/2020, Juknis 15/2021): its weights and bands are not
# settled, so only its frame is seeded, for the Dinas to fill in. Kopdes does not score it yet.
RISK_METHOD: dict[str, Any] = {
    "name": "Metode berbasis risiko (Permenkop 9/2020, Juknis 15/2021): kerangka, belum ditetapkan",
    "settled": False,
    "grades": [
        {"key": "sehat", "min": None},
        {"key": "cukup_sehat", "min": None},
        {"key": "kurang_sehat", "min": None},
        {"key": "tidak_sehat", "min": None},
    ],
    "aspects": [
        {"key": "tata_kelola", "label": "Tata kelola", "weight": None, "questions": []},
        {"key": "profil_risiko", "label": "Profil risiko", "weight": None, "questions": []},
        {"key": "kinerja_keuangan", "label": "Kinerja keuangan", "weight": None, "questions": []},
        {"key": "permodalan", "label": "Permodalan", "weight": None, "questions": []},
    ],
}
