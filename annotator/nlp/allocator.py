"""Keep the memory a parse frees for the next documents, instead of handing it back to the kernel.

spaCy's networks (and the trained attribution component's) allocate arrays of megabytes for every batch and free
them at its end. With glibc's default settings such a block is returned to the kernel when it is freed (an
``mmap``/``munmap`` pair, or a trim of the heap's top), so the next batch gets fresh pages, and each of them costs
a page fault in the kernel the first time it is written. On this project's 2-core virtual machine that was a
quarter of the suggestion writer thread's CPU time with the trained pipeline (88,000-128,000 faults per 200
articles; 30,000 with these settings) and 5% of each ``--processes`` worker's (1,500 faults per article; 173):
kernel time that no Python profiler shows (bench/README.md, issue 11 point 6 and issue 15 point 33).
glibc's ``mallopt`` keeps freed memory in the process instead: what is kept is what the process once used
(its resident memory stays near its peak rather than falling between batches), and it goes back to the kernel
when the process ends.

Only the suggestion paths call this: the ``annotator suggest`` job when it parses in its own process (the command
line) and the worker processes that parse for it and for the window. The window's own process is left as it is.
"""

from __future__ import annotations

import ctypes
import logging
import platform

log = logging.getLogger(__name__)

# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_TOP_PAD = -2
_M_MMAP_THRESHOLD = -3

#: Free memory at the top of the heap kept rather than trimmed (the default trims above 128 KiB or so).
TRIM_THRESHOLD = 1 << 30
#: Extra memory taken with each growth of the heap, so that a heap a thread grew is kept rather than deleted.
TOP_PAD = 64 << 20
#: Blocks from this size on are mapped on their own (and unmapped when freed); glibc's largest allowed value.
MMAP_THRESHOLD = 32 << 20

SETTINGS: tuple[tuple[int, int], ...] = (
    (_M_TRIM_THRESHOLD, TRIM_THRESHOLD),
    (_M_TOP_PAD, TOP_PAD),
    (_M_MMAP_THRESHOLD, MMAP_THRESHOLD),
)


def keep_freed_memory() -> bool:
    """Set glibc's allocator to keep freed memory in this process (see the module docstring).

    Returns:
        True when every setting was applied; False where the C library is not glibc (nothing is changed) or
        glibc refused one (logged).
    """
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    applied = True
    for param, value in SETTINGS:
        if mallopt(param, value) != 1:  # mallopt returns 1 on success
            log.debug("mallopt(%d, %d) was refused", param, value)
            applied = False
    return applied
