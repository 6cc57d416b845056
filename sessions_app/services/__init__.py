"""Writes of the exchange: sessions, programs, attendance, table plans."""
