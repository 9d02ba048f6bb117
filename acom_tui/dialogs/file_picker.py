"""A file browser for the document upload: folders, and PDF, JPEG and PNG files.

The extension filter only keeps the list short; the file is judged by its content before
upload (``screens.documents.check_document_file``), so a renamed file is still refused.
Hidden files and folders are left out. Everything is drawn in ASCII: Textual's folder
icons are emoji and its guide lines box-drawing characters, which some Japanese terminal
fonts draw two columns wide.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Final, Self

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DirectoryTree, Label

from acom_tui.dialogs.base import AcomModal
from acom_tui.i18n import t
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from rich.text import TextType
    from textual.widgets.directory_tree import DirEntry
    from textual.widgets.tree import TreeNode

__all__ = ["DOCUMENT_EXTENSIONS", "DocumentTree", "FilePicker", "shows_path"]

DOCUMENT_EXTENSIONS: Final = frozenset({".pdf", ".jpg", ".jpeg", ".png"})
_ASCII_GUIDES: Final = ("  ", "| ", "`-", "|-")


def shows_path(path: Path) -> bool:
    """Whether the browser lists ``path``: a visible folder, or a document by its name."""
    if path.name.startswith("."):
        return False
    try:
        if path.is_dir():
            return True
    except OSError:
        return False
    return path.suffix.lower() in DOCUMENT_EXTENSIONS


class DocumentTree(DirectoryTree):
    ICON_NODE = "+ "
    ICON_NODE_EXPANDED = "- "
    ICON_FILE = "  "

    def __init__(self, path: Path, *, root_label: str, id: str | None = None) -> None:
        self._root_label = root_label
        super().__init__(path, id=id)
        self.LINES = {"default": _ASCII_GUIDES, "bold": _ASCII_GUIDES, "double": _ASCII_GUIDES}

    def reset_node(
        self, node: TreeNode[DirEntry], label: TextType, data: DirEntry | None = None
    ) -> Self:
        # The tree labels its root with the full path; the home folder reads better as ~.
        return super().reset_node(node, self._root_label if node is self.root else label, data)

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [path for path in paths if shows_path(path)]


class FilePicker(AcomModal[Path | None]):
    """Browse from ``root`` (the home folder by default); Enter on a file picks it."""

    DEFAULT_CSS = """
    FilePicker { align: center middle; }
    FilePicker > #picker-dialog {
        width: 76;
        max-width: 100%;
        height: 20;
        max-height: 100%;
        padding: 0 1;
        background: $panel;
        border: ascii $primary;
    }
    FilePicker #picker-title { text-style: bold; }
    FilePicker #picker-hint { color: $text-muted; }
    FilePicker #picker-tree { height: 1fr; background: $panel; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "settings.keys.cancel", id="picker.cancel"),
    ]

    def __init__(self, root: Path | None = None) -> None:
        super().__init__()
        self.root = root if root is not None else Path.home()

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-dialog"):
            yield Label(t("settings.picker.title"), id="picker-title", markup=False)
            yield Prose(t("settings.picker.hint"), id="picker-hint")
            # The home folder by its usual name, not a path that differs per machine.
            label = "~" if self.root == Path.home() else str(self.root)
            yield DocumentTree(self.root, root_label=label, id="picker-tree")

    def on_mount(self) -> None:
        self.query_one("#picker-tree").focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(DirectoryTree.FileSelected, "#picker-tree")
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(event.path)
