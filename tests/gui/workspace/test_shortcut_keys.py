"""The action table binds each key once."""

from __future__ import annotations

from annotator.ui.workspace.shortcuts import ACTIONS


def test_every_action_key_is_bound_once() -> None:
    """A key bound twice fires neither action (Qt calls it ambiguous): New project and the network view once
    shared Ctrl+Shift+N."""
    keys = [key for spec in ACTIONS for key in spec.keys]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
