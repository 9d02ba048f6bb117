"""One module per screen. Screens are imported where they are first shown, not here."""
