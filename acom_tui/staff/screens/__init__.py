"""The staff console's screens, one module each, their styles beside them."""
