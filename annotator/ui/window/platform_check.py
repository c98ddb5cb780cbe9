"""Explain, before Qt starts, why no window can open (Qt itself aborts with a message analysts cannot act on)."""

from __future__ import annotations

import ctypes.util
import os
import sys

from annotator.core.errors import ConfigError

#: Libraries Qt's X11 plugin loads (soname stem -> Debian/Ubuntu package). Qt names only the first of them when
#: the plugin fails, so an analyst who installs that one meets the same abort again.
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-image": "libxcb-image0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-shape": "libxcb-shape0",
    "xcb-randr": "libxcb-randr0",
    "xcb-xkb": "libxcb-xkb1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
}


def _wants_xcb() -> bool:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.startswith("xcb")
    # Qt's default on Linux: xcb when an X display is set, else wayland when a Wayland display is set.
    return sys.platform.startswith("linux") and bool(os.environ.get("DISPLAY")) and not os.environ.get(
        "WAYLAND_DISPLAY"
    )


def check_gui_platform() -> None:
    """Raise ConfigError with what to do when the app cannot show a window on this machine.

    Raises:
        ConfigError: no display on Linux, or a system library of Qt's X11 plugin is missing.
    """
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM") in ("offscreen", "minimal"):
        return
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and not os.environ.get(
        "QT_QPA_PLATFORM"
    ):
        raise ConfigError(
            "no screen to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set). Run the app in a desktop "
            "session, or use `annotator screenshot OUT.png` / `xvfb-run annotator` on a machine without one."
        )
    if not _wants_xcb():
        return
    missing = [package for stem, package in XCB_LIBRARIES.items() if ctypes.util.find_library(stem) is None]
    if missing:
        raise ConfigError(
            f"Qt needs system libraries to open a window on X11 that are not installed: {', '.join(missing)}. "
            f"Install them (Debian/Ubuntu: `sudo apt-get install {' '.join(missing)}`; Fedora: the xcb-util-* "
            "and libxkbcommon-x11 packages) and start again."
        )
