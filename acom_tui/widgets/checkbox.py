"""A checkbox drawn as ``[x]`` / ``[ ]``.

Textual's toggle uses half-block characters, which are East-Asian-ambiguous width and
shift the label in terminals that draw them two columns wide (common with Japanese
fonts), and it shows checked and unchecked only by colour, which ``NO_COLOR`` removes.
"""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.widgets import Checkbox

__all__ = ["PlainCheckbox"]


class PlainCheckbox(Checkbox, inherit_css=False):
    # Not Textual's stylesheet of ToggleButton (1.8 KB parsed before the login's first
    # paint): its rules for what is drawn here, with its selectors' values, and ours.
    # A ``Checkbox`` or ``ToggleButton`` selector does not reach this class (see
    # PlainButton): stylesheets name it ``PlainCheckbox``. Nor are the component classes
    # inherited then: ToggleButton's two are declared again.
    COMPONENT_CLASSES: ClassVar[set[str]] = {"toggle--button", "toggle--label"}
    DEFAULT_CSS = """
    PlainCheckbox {
        width: auto;
        height: 1;
        background: transparent;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        pointer: pointer;

        &:ansi {
            background: ansi_default;
            & > .toggle--button {
                background: $ansi-background;
                color: $ansi-foreground;
                text-style: dim;
            }
            &.-on > .toggle--button {
                color: $accent;
                background: $ansi-background;
                text-style: bold not dim;
            }
        }
        & > .toggle--button {
            color: $panel-darken-2;
            background: $panel;
        }
        &.-on > .toggle--button {
            color: $text-success;
            background: $panel;
        }
        /* No border on focus (Textual's tall one left no room on one line: the focused
           checkbox showed as an empty frame); a tint, and the label as a block cursor in
           bold and underline, so focus still shows with NO_COLOR and in the ANSI themes
           (a component style cannot reverse: Textual's visual styles drop it). */
        &:focus {
            text-style: none;
            background-tint: $foreground 5%;
            & > .toggle--label {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: bold underline;
            }
        }
        &:blur:hover > .toggle--label {
            background: $block-hover-background;
        }
    }
    """

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble("[", ("x" if self.value else " ", style), "]")
