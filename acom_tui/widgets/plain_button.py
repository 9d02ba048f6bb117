"""Textual's ``Button`` with only the styles the apps use.

Textual parses a widget class's default CSS the first time one of its widgets is mounted.
``Button`` brings 7.3 KB of it (every style and variant, the largest single source of the
staff login), parsed at the start of the staff console and again by every dialog's first
mount. The apps draw every button compact, in the default style, as ``default``,
``primary`` or ``warning``. This class keeps Textual's behaviour (keys, ``Button.Pressed``,
variants) and declares only those rules, with the same selectors and values as Textual's,
so a button looks exactly as before (the snapshots hold it to that) for less than half the
parsing. A variant or style not declared here would show unstyled: use ``Button`` for it.
Stylesheets name it ``PlainButton``: a class that does not inherit its bases' CSS is
matched by its own type name only, so a ``Button`` selector no longer reaches it.
"""

from __future__ import annotations

from textual.widgets import Button

__all__ = ["PlainButton"]


class PlainButton(Button, inherit_css=False):
    DEFAULT_CSS = """
    PlainButton:ansi.-style-default {
        border: tall $border-blurred;
        background: ansi_default;
        &:disabled {
            text-opacity: 1;
            text-style: bold dim;
            border: tall $border-blurred !important;
            background: ansi_default !important;
            pointer: not-allowed;
            &:hover { background: ansi_default; }
        }
        &:hover {
            background: $ansi-background;
            border: tall $border;
        }
        &.-active {
            background: $ansi-background !important;
            border: blank $background !important;
            tint: transparent;
        }
        &.-primary {
            color: $primary;
            border: tall $primary;
            background: ansi_default;
            &:hover { background: $ansi-background; }
        }
        &.-warning {
            color: $warning;
            border: tall $warning;
            background: ansi_default;
            &:hover { background: $ansi-background; }
        }
    }

    PlainButton {
        width: auto;
        min-width: 16;
        height: auto;
        line-pad: 1;
        text-align: center;
        content-align: center middle;
        pointer: pointer;

        &.-style-default {
            text-style: bold;
            color: $button-foreground;
            background: $surface;
            border: none;
            border-top: tall $surface-lighten-1;
            border-bottom: tall $surface-darken-1;

            &.-textual-compact { border: none !important; }
            &:disabled {
                text-opacity: 0.6;
                pointer: not-allowed;
            }
            &:focus {
                text-style: $button-focus-text-style;
                background-tint: $foreground 5%;
            }
            &:hover {
                border-top: tall $surface;
                background: $surface-darken-1;
            }
            &.-active {
                background: $surface;
                border-bottom: tall $surface-lighten-1;
                border-top: tall $surface-darken-1;
                tint: $background 30%;
            }
            &.-primary {
                color: $button-color-foreground;
                background: $primary;
                border-top: tall $primary-lighten-3;
                border-bottom: tall $primary-darken-3;
                &:hover {
                    background: $primary-darken-2;
                    border-top: tall $primary;
                }
                &.-active {
                    background: $primary;
                    border-bottom: tall $primary-lighten-3;
                    border-top: tall $primary-darken-3;
                }
            }
            &.-warning {
                color: $button-color-foreground;
                background: $warning;
                border-top: tall $warning-lighten-2;
                border-bottom: tall $warning-darken-3;
                &:hover {
                    background: $warning-darken-2;
                    border-top: tall $warning;
                }
                &.-active {
                    background: $warning;
                    border-bottom: tall $warning-lighten-2;
                    border-top: tall $warning-darken-2;
                }
            }
        }
    }
    """
