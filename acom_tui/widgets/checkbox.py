"""A checkbox drawn as ``[x]`` / ``[ ]``.

Textual's toggle uses half-block characters, which are East-Asian-ambiguous width and
shift the label in terminals that draw them two columns wide (common with Japanese
fonts), and it shows checked and unchecked only by colour, which ``NO_COLOR`` removes.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox

__all__ = ["PlainCheckbox"]


class PlainCheckbox(Checkbox):
    DEFAULT_CSS = """
    PlainCheckbox { border: none; padding: 0; height: 1; background: transparent; }
    /* ToggleButton:focus draws a tall border, which on one line leaves no room for the
       box and the label: the focused checkbox showed as an empty frame. As specific as
       that rule, and defined later, so it wins. */
    PlainCheckbox:focus { border: none; text-style: none; background-tint: $foreground 5%; }
    /* Bold and underline: focus still shows with NO_COLOR and in the ANSI themes (a
       component style cannot reverse: Textual's visual styles drop it). */
    PlainCheckbox:focus > .toggle--label { text-style: bold underline; }
    """

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble("[", ("x" if self.value else " ", style), "]")
