"""Dialogs of the workspace shell: annotator name, shortcut sheet, import/export, actors."""

from annotator.ui.dialogs.actor_dialog import ActorChoice, ActorLinkDialog, MergeActorsDialog
from annotator.ui.dialogs.annotator_dialog import ask_annotator_name
from annotator.ui.dialogs.import_export import (
    ExportDialog,
    ExportOptions,
    choose_import_paths,
    show_summary,
)
from annotator.ui.dialogs.shortcuts import ShortcutSheet

__all__ = [
    "ActorChoice",
    "ActorLinkDialog",
    "ExportDialog",
    "ExportOptions",
    "MergeActorsDialog",
    "ShortcutSheet",
    "ask_annotator_name",
    "choose_import_paths",
    "show_summary",
]
