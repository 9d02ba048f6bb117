"""The base of every dialog of the member app: a modal over the current screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import ModalScreen

from acom_tui.widgets.heartbeat import OnTheBeat

if TYPE_CHECKING:
    from acom_tui.app import AcomApp

__all__ = ["AcomModal"]

ResultT = TypeVar("ResultT")


class AcomModal(OnTheBeat, ModalScreen[ResultT]):
    """A dialog over the current screen.

    A dialog whose box has the class ``dialog`` (and its title ``dialog-title``) gets the
    common frame below and sets only its size; the older dialogs style their boxes by id.
    """

    DEFAULT_CSS = """
    AcomModal {
        align: center middle;
        & > .dialog {
            height: auto;
            padding: 0 1;
            background: $panel;
            border: ascii $primary;
        }
        .dialog-title {
            text-style: bold;
            margin-bottom: 1;
        }
    }
    """

    @property
    def acom(self) -> AcomApp:
        return cast("AcomApp", self.app)
