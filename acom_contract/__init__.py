"""What the client and the mock server share, importing neither of them.

The wire schemas, Japan time, the business calendar and each published rule with its
constants live here once: ``mock_server`` applies them, ``acom_tui`` shows and predicts
with them. An import-linter contract (``make lint``) keeps this package free of both sides.
"""
