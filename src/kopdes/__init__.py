"""Kopdes: the platform of the Koperasi Desa/Kelurahan Merah Putih."""

__version__ = "0.1.0"
