"""The support staff console (SPEC 2.17): ``acom-tui --staff`` and ``acom-tui staff ...``.

A separate small Textual app (:mod:`acom_tui.staff.app`) and a scripting CLI
(:mod:`acom_tui.staff.cli`) on the same pure rules (:mod:`acom_tui.staff.rules`). Nothing
here is imported when the member app starts.
"""
