"""acom-tui: a terminal client for a card-loan member portal."""

__version__ = "0.1.0"
