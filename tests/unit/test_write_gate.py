"""The write gate: writers take turns, and a waiting interactive write goes before background writes."""

from __future__ import annotations

import threading

from annotator.store._write_gate import WriteGate


def test_a_waiting_interactive_write_goes_before_the_next_background_write() -> None:
    gate = WriteGate()
    order: list[str] = []
    background_holds = threading.Event()
    release = threading.Event()
    interactive_ready = threading.Event()

    def background(name: str, hold: bool) -> None:
        with gate.turn():
            order.append(name)
            if hold:
                background_holds.set()
                release.wait(5)

    def interactive() -> None:
        gate.prefer_current_thread()
        interactive_ready.set()
        with gate.turn():
            order.append("interactive")

    first = threading.Thread(target=background, args=("background 1", True))
    first.start()
    background_holds.wait(5)
    key = threading.Thread(target=interactive)
    key.start()
    interactive_ready.wait(5)
    second = threading.Thread(target=background, args=("background 2", False))
    second.start()
    # Both wait for the first write; give them time to queue up behind it, then let it finish.
    for thread in (key, second):
        thread.join(0.2)
    release.set()
    for thread in (first, key, second):
        thread.join(5)
    assert order == ["background 1", "interactive", "background 2"]


def test_writes_of_one_gate_never_overlap() -> None:
    gate = WriteGate()
    inside = 0
    most = 0
    lock = threading.Lock()

    def write() -> None:
        nonlocal inside, most
        for _ in range(200):
            with gate.turn():
                with lock:
                    inside += 1
                    most = max(most, inside)
                with lock:
                    inside -= 1

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most == 1
