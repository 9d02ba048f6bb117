"""``python -m acom_tui``: the same as the ``acom-tui`` command."""

from acom_tui.cli import main

raise SystemExit(main())
