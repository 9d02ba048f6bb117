"""A form's row: the field's label, drawn by the row itself, and its input beside it.

Such a row was a ``Horizontal`` holding a ``Label`` and the input: three widgets. This is
two. The row draws its label in the cells its input leaves free on the left (a widget
draws beneath its children), and each widget costs a login's first paint about a
millisecond of mounting, styling and layout.
"""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.widget import Widget

__all__ = ["FieldRow"]


class FieldRow(Widget):
    # The label column is 16 cells wide, as the forms' labels were.
    DEFAULT_CSS = """
    FieldRow { layout: horizontal; width: 1fr; height: 1; }
    FieldRow > * { margin-left: 16; }
    FieldRow > .field-row--label { text-style: bold; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"field-row--label"}

    def __init__(
        self, label: str, field: Widget, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(field, id=id, classes=classes)
        self.label = label

    def render(self) -> Content:
        return Content.assemble((self.label, self.get_visual_style("field-row--label")))
