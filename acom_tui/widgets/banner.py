"""A one-line (or wrapping) notice strip: demo mode, warnings, errors, confirmations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from textual.widget import Widget

__all__ = ["Banner", "BannerVariant", "StatusLine"]

BannerVariant = Literal["info", "warning", "error", "success", "demo"]
_VARIANTS: tuple[BannerVariant, ...] = ("info", "warning", "error", "success", "demo")


class Banner(Prose):
    """Catalogue text on a coloured strip; hidden while it has nothing to say.

    Text is never parsed as markup (catalogue and server texts may contain brackets) and
    wraps with Japanese line-breaking rules.
    """

    DEFAULT_CSS = """
    Banner {
        width: 1fr;
        height: auto;
        padding: 0 1;
        &.-info { background: $primary-muted; color: $text; }
        &.-warning { background: $warning-muted; color: $text; text-style: bold; }
        &.-error { background: $error-muted; color: $text; text-style: bold; }
        &.-success { background: $success-muted; color: $text; }
        &.-demo { background: $accent-muted; color: $text; }
        &.-empty { display: none; }
    }
    """

    def __init__(
        self,
        text: str = "",
        *,
        variant: BannerVariant = "info",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        # The variant's classes given to the constructor: adding them after it restyles
        # the widget before it is even mounted.
        initial = [classes or "", f"-{variant}", "" if text else "-empty"]
        super().__init__(text, id=id, classes=" ".join(filter(None, initial)))
        self._variant: BannerVariant = variant

    @property
    def variant(self) -> BannerVariant:
        return self._variant

    def show(self, text: str, variant: BannerVariant | None = None) -> None:
        if text == self.text and variant in (None, self._variant):
            # The heartbeat shows the same warning (or none) every second: no layout for it.
            return
        if variant is not None and variant != self._variant:
            for name in _VARIANTS:
                self.remove_class(f"-{name}")
            self._variant = variant
            self.add_class(f"-{variant}")
        self.update(text)
        self.set_class(not text, "-empty")

    def clear(self) -> None:
        self.show("")


class StatusLine:
    """A screen's status banner, mounted the first time there is something to say.

    A login screen has nothing to report when it first shows: mounting an empty banner
    there would cost every start-up one more widget to style and lay out before the first
    paint (issue 16). ``owner`` is the screen; the banner goes into ``parent`` (a
    selector), before ``before``.
    """

    def __init__(self, owner: Widget, banner_id: str, *, parent: str, before: str) -> None:
        self._owner = owner
        self._id = banner_id
        self._parent = parent
        self._before = before

    def _banner(self, *, create: bool) -> Banner | None:
        banner = next(iter(self._owner.query(f"#{self._id}").results(Banner)), None)
        if banner is None and create:
            banner = Banner("", variant="error", id=self._id)
            self._owner.query_one(self._parent).mount(banner, before=self._before)
        return banner

    def show(self, text: str, variant: BannerVariant = "error") -> None:
        banner = self._banner(create=bool(text))
        if banner is not None:
            banner.show(text, variant)

    def clear(self) -> None:
        self.show("")

    @property
    def text(self) -> str:
        banner = self._banner(create=False)
        return banner.text if banner is not None else ""
