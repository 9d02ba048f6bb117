"""The base of every dialog of the member app: a modal over the current screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.screen import ModalScreen

from acom_tui.keys import localize_bindings, tick_countdowns

if TYPE_CHECKING:
    from acom_tui.app import AcomApp

__all__ = ["AcomModal"]

ResultT = TypeVar("ResultT")


class AcomModal(ModalScreen[ResultT]):
    """A dialog over the current screen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localize_bindings(self)

    @property
    def acom(self) -> AcomApp:
        return cast("AcomApp", self.app)

    def heartbeat(self) -> None:
        tick_countdowns(self)
