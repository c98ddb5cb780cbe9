"""The background writer keeps order, hands errors back to the producer and runs its exit hook on its thread."""

from __future__ import annotations

import threading

import pytest

from annotator.jobs.background_writer import BackgroundWriter


def test_items_are_written_in_order_on_another_thread() -> None:
    seen: list[int] = []
    threads: set[str] = set()
    exits: list[str] = []

    def write(item: int) -> None:
        threads.add(threading.current_thread().name)
        seen.append(item)

    def on_exit() -> None:
        exits.append(threading.current_thread().name)

    writer: BackgroundWriter[int] = BackgroundWriter(write, capacity=3, on_thread_exit=on_exit)
    for i in range(100):
        writer.submit(i)
    writer.close()
    assert seen == list(range(100)) and writer.written == 100
    assert threads == {"annotator-writer"} and exits == ["annotator-writer"]


def test_the_first_error_reaches_the_producer_and_later_items_are_dropped() -> None:
    seen: list[int] = []

    def write(item: int) -> None:
        if item == 3:
            raise ValueError("bad item 3")
        seen.append(item)

    writer: BackgroundWriter[int] = BackgroundWriter(write, capacity=1)
    with pytest.raises(ValueError, match="bad item 3"):
        for i in range(50):
            writer.submit(i)
        writer.close()
    with pytest.raises(ValueError, match="bad item 3"):
        writer.close()
    assert seen == [0, 1, 2]


def test_the_writer_reports_its_own_threads_cpu_time() -> None:
    import time

    clocks: list[float] = []

    def write(item: int) -> None:
        sum(range(20_000))  # some work on the writer's thread
        clocks.append(time.thread_time())  # that thread's CPU clock so far

    writer: BackgroundWriter[int] = BackgroundWriter(write)
    for i in range(5):
        writer.submit(i)
    writer.close()
    # Read at the thread's end, from its own clock: at least what the writes saw, and not the producer's.
    assert writer.cpu_seconds >= clocks[-1] > 0
