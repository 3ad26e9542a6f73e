"""takehome: tailored take-home handouts for massage clients, printed or emailed."""

__version__ = "0.1.0"
