"""Emailing handouts: settings, composing, the sent log and SMTP."""
