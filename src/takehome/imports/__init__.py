"""Clients from the files a clinic already has (booking-software CSV exports)."""
