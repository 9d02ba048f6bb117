"""A session ends when its terminal ends (SPEC 2.2): the driver both apps run on.

When the terminal goes away without a SIGHUP reaching us (an SSH drop seen only as a hung-up
tty, a window closed under ``make``, a pseudo-terminal whose master was closed), Textual's
input thread reads end-of-file over and over: 100% of a core, forever, still logged in.
:class:`HangupAwareDriver` is Textual's own Linux driver plus a watchdog that notices the
hang-up (``poll`` reports ``POLLHUP``/``POLLERR`` without consuming input) and handlers for
SIGHUP and SIGTERM. Any of them asks the app to :meth:`Leaving.leave`: log out within
:data:`LOGOUT_ON_LOSS_S` and exit. A timer ends the process at :data:`EXIT_DEADLINE_S`
whatever happens meanwhile: with its terminal gone, Textual's writer thread can die on EIO
and the next full write queue would block the app for ever.

With the terminal gone there is nothing to restore, so once the app has left (logged out,
its backend closed) the process ends at once instead of going through Textual's teardown:
that teardown cost each console about 0.2 s of CPU, and 30 consoles whose terminals
dropped together needed 3 s of two cores for it (docs/performance.md).

An idle console sleeps. Textual's input loop waits for input at most 0.1 s at a time, to
time out escape sequences and to see its exit event: ten wake-ups a second, for ever, in
every console on the host. The driver's exit event is a :class:`_QuietGate`: to the input
thread alone it also reads "set" once no input has come for :data:`QUIET_AFTER_S`, so
Textual's loop returns, and the thread then sleeps in ``poll()`` with no timeout until the
terminal has input (Textual's loop starts again, a parser of its own) or the driver really
stops (``set`` wakes the sleeper). Nothing is pending after seconds without input: the
parser times an escape sequence out after a tenth of a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import select
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from textual.app import App
    from textual.driver import Driver
    from textual.message import Message

__all__ = [
    "EXIT_DEADLINE_S",
    "LOGOUT_ON_LOSS_S",
    "Leaving",
    "hangup_aware",
    "terminal_gone",
]

log = logging.getLogger("acom_tui.terminal")

# The logout gets one second (the server revokes an idle session by itself anyway); the
# process is gone before two, as SPEC 2.2 and issue 13 ask.
LOGOUT_ON_LOSS_S = 1.0
EXIT_DEADLINE_S = 1.8
# An idle input thread stops polling after this long without input (a paste that pauses
# this long halfway is not one paste any more).
QUIET_AFTER_S = 5.0
# Exit statuses as a shell reports a process killed by the signal (128 + number).
EXIT_HANGUP = 128 + signal.SIGHUP
EXIT_TERMINATED = 128 + signal.SIGTERM

_GONE = select.POLLHUP | select.POLLERR | select.POLLNVAL


@runtime_checkable
class Leaving(Protocol):
    """An app that can log out and exit on its own (both of ours)."""

    async def leave(self, return_code: int, *, wait: float) -> None: ...


def terminal_gone(fd: int) -> bool:
    """Whether the terminal (or pipe) behind ``fd`` has hung up, without reading from it."""
    poller = select.poll()
    poller.register(fd, 0)
    try:
        return any(mask & _GONE for _fd, mask in poller.poll(0))
    except OSError:
        return True


def _silence_output() -> None:
    """Send what is still written to the dead terminal nowhere, so no write fails or blocks."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    for fd in (1, 2):
        with contextlib.suppress(OSError):
            os.dup2(devnull, fd)
    os.close(devnull)


def _exit_now(code: int, reason: str | None = None) -> None:
    if reason is None:
        log.warning("still running %.1f s after the terminal went away: exiting", EXIT_DEADLINE_S)
    else:
        log.info(reason)
    for handler in logging.getLogger().handlers:
        handler.flush()
    os._exit(code)


class _QuietGate(threading.Event):
    """Textual's ``exit_event``, which also tells a quiet input thread to stop polling.

    ``is_set`` is true for the driver as for Textual; for the input thread (once it has
    called :meth:`enter`) it is true as well after :data:`QUIET_AFTER_S` without input.
    ``set`` also wakes an input thread asleep in :meth:`sleep_until_input`.
    """

    def __init__(self) -> None:
        super().__init__()
        self._wake_read, self._wake_write = os.pipe()
        for fd in (self._wake_read, self._wake_write):
            os.set_blocking(fd, False)  # a wake never blocks; the sleeper uses poll()
        self._input_thread: int | None = None
        self.last_input = time.monotonic()

    def enter(self) -> None:
        """From the input thread: input is expected now."""
        self._input_thread = threading.get_ident()
        self.last_input = time.monotonic()

    def is_set(self) -> bool:
        if super().is_set():
            return True
        quiet = time.monotonic() - self.last_input >= QUIET_AFTER_S
        return quiet and threading.get_ident() == self._input_thread

    def set(self) -> None:
        super().set()
        if self._wake_write >= 0:
            with contextlib.suppress(BlockingIOError):  # full: a wake is already waiting
                os.write(self._wake_write, b"x")

    def clear(self) -> None:
        super().clear()
        if self._wake_read >= 0:
            with contextlib.suppress(BlockingIOError):
                while os.read(self._wake_read, 64):
                    pass

    def sleep_until_input(self, fd: int) -> bool:
        """Block until ``fd`` has input (or hangs up): True; or the gate is set: False."""
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        poller.register(self._wake_read, select.POLLIN)
        while not super().is_set():
            try:
                if poller.poll():
                    break
            except InterruptedError:
                continue
        return not super().is_set()

    def close(self) -> None:
        """With the driver (its input thread has ended); ``set`` still works, waking nobody."""
        wake_read, wake_write = self._wake_read, self._wake_write
        self._wake_read = self._wake_write = -1
        for fd in (wake_read, wake_write):
            if fd >= 0:
                os.close(fd)


class _Departure:
    """Turns the first sign of a lost terminal into one orderly leave and one deadline."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._started = False

    def start(self, reason: str, code: int, *, terminal_lost: bool) -> None:
        """Begin leaving (any thread); later calls do nothing."""
        with self._lock:
            if self._started:
                return
            self._started = True
        log.info("leaving: %s", reason)
        if terminal_lost:
            _silence_output()
        deadline = threading.Timer(EXIT_DEADLINE_S, _exit_now, args=(code,))
        deadline.daemon = True
        deadline.start()
        loop = self.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._leave_on_loop, code, terminal_lost)

    def _leave_on_loop(self, code: int, terminal_lost: bool) -> None:
        app = self.app
        if isinstance(app, Leaving):
            if terminal_lost:
                app.call_later(self._leave_and_end, app, code)
            else:
                # A live terminal (SIGTERM, a SIGHUP sent by hand) is restored by Textual.
                app.call_later(app.leave, code, wait=LOGOUT_ON_LOSS_S)
        else:
            app.exit(return_code=code)

    async def _leave_and_end(self, app: Leaving, code: int) -> None:
        try:
            await app.leave(code, wait=LOGOUT_ON_LOSS_S)
        finally:
            _exit_now(code, "the terminal is gone and the app has left: exiting")


if sys.platform == "win32":  # pragma: no cover - the member app runs on Linux and macOS

    def hangup_aware(default: type[Driver]) -> type[Driver]:
        return default

else:
    from textual.drivers.linux_driver import LinuxDriver

    class HangupAwareDriver(LinuxDriver):
        """Textual's Linux driver that leaves when the terminal does (see the module doc)."""

        def __init__(self, app: App[Any], **kwargs: Any) -> None:
            super().__init__(app, **kwargs)
            self.departure = _Departure(app)
            # The watchdog sleeps in poll() until the terminal hangs up or this pipe says
            # stop: a timeout to check a flag woke 50 idle consoles 250 times a second.
            self._stop_watch: int | None = None
            self._watchdog: threading.Thread | None = None
            self.exit_event = self._gate = _QuietGate()

        def start_application_mode(self) -> None:
            super().start_application_mode()  # type: ignore[no-untyped-call]
            loop = asyncio.get_running_loop()
            self.departure.loop = loop
            loop.add_signal_handler(signal.SIGHUP, self._on_signal, signal.SIGHUP)
            loop.add_signal_handler(signal.SIGTERM, self._on_signal, signal.SIGTERM)
            wake, self._stop_watch = os.pipe()
            self._watchdog = threading.Thread(
                target=self._watch, args=(wake,), name="acom-terminal-watchdog", daemon=True
            )
            self._watchdog.start()

        def stop_application_mode(self) -> None:
            stop, self._stop_watch = self._stop_watch, None
            if stop is not None:
                with contextlib.suppress(OSError):
                    os.write(stop, b"x")
                os.close(stop)
            loop = self.departure.loop
            if loop is not None and not loop.is_closed():
                loop.remove_signal_handler(signal.SIGHUP)
                loop.remove_signal_handler(signal.SIGTERM)
            super().stop_application_mode()

        def close(self) -> None:
            super().close()
            self._gate.close()

        def run_input_thread(self) -> None:
            gate = self._gate
            try:
                while True:
                    gate.enter()
                    super().run_input_thread()  # returns when stopped, or quiet
                    if not gate.sleep_until_input(self.fileno):
                        return
            except OSError as error:
                # EIO: the terminal is gone. Textual would "panic" (a traceback for a
                # terminal nobody sees) and skip the logout; leave in order instead.
                self._lost(f"input failed: {error}")

        def process_message(self, message: Message) -> None:
            self._gate.last_input = time.monotonic()
            super().process_message(message)

        def _on_signal(self, signum: int) -> None:
            if signum == signal.SIGTERM:
                self.departure.start("SIGTERM", EXIT_TERMINATED, terminal_lost=False)
            else:
                # A SIGHUP sent by hand leaves a live terminal to be restored.
                self.departure.start(
                    "SIGHUP", EXIT_HANGUP, terminal_lost=terminal_gone(self.fileno)
                )

        def _lost(self, reason: str) -> None:
            # Stop the input thread, which would otherwise read end-of-file in a busy loop.
            self.exit_event.set()
            self.departure.start(reason, EXIT_HANGUP, terminal_lost=True)

        def _watch(self, wake: int) -> None:
            poller = select.poll()
            poller.register(self.fileno, 0)
            poller.register(wake, select.POLLIN)
            try:
                while True:
                    try:
                        events = poller.poll()
                    except OSError:
                        events = [(self.fileno, select.POLLERR)]
                    if any(fd == wake for fd, _mask in events):
                        return  # application mode ended: the app is leaving by itself
                    if any(fd == self.fileno and mask & _GONE for fd, mask in events):
                        self._lost("the terminal hung up")
                        return
            finally:
                os.close(wake)

    def hangup_aware(default: type[Driver]) -> type[Driver]:
        """Our driver where Textual would use its Linux one; any other (web, an
        environment override) as it is."""
        return HangupAwareDriver if default is LinuxDriver else default
