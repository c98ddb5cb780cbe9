"""The GUI start explains a missing screen or a missing X11 library instead of letting Qt abort."""

from __future__ import annotations

import ctypes.util
import sys

import pytest

from annotator.core.errors import ConfigError
from annotator.ui.window.platform_check import check_gui_platform

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux display rules")


@linux_only
def test_no_display_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError, match="no screen"):
        check_gui_platform()


@linux_only
def test_missing_xcb_cursor_library_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    present = {"xcb-cursor", "xcb-image"}
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: f"lib{name}.so" if name in present else None)
    with pytest.raises(ConfigError, match="libxcb-icccm4") as error:
        check_gui_platform()
    assert "libxcb-keysyms1" in str(error.value) and "libxcb-cursor0" not in str(error.value)


def test_offscreen_needs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    check_gui_platform()


def test_readme_names_the_libraries_a_fresh_debian_lacks() -> None:
    """Issue 15, point 23: the README said Python and make were all `make run` needs on a fresh Debian 12."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    install = [line for line in readme.splitlines() if "apt-get install" in line]
    assert any("libxcb-icccm4" in line and "libxcb-keysyms1" in line for line in install), install
