"""Fundhouse: an open-source investment operations platform."""

__version__ = "0.1.0"
