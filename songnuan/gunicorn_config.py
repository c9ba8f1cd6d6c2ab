"""Gunicorn hooks for `songnuan serve`: workers let go of the port when their master dies.

A master killed outright (kill -9, the OOM killer) leaves its workers running, and each holds
the listening socket, so a master started again at once cannot bind. Gunicorn's own check of the
parent process runs only between requests, up to half the timeout apart. Here the kernel tells
each worker at once (Linux's parent-death signal); the worker stops listening straight away,
which frees the port for the next master, and finishes what it was answering before it exits.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import sys

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_DEATH_SIGNAL = signal.SIGTERM  # gunicorn's own "finish and exit" signal for a worker


def post_fork(server, worker) -> None:
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, int(PARENT_DEATH_SIGNAL), 0, 0, 0)
    if os.getppid() != server.pid:  # the master died before the request took effect
        os.kill(os.getpid(), PARENT_DEATH_SIGNAL)


def post_worker_init(worker) -> None:
    graceful_exit = signal.getsignal(PARENT_DEATH_SIGNAL)

    def exit_freeing_the_port(signum, frame) -> None:
        if os.getppid() != worker.ppid:
            stop_listening(worker.sockets)
        graceful_exit(signum, frame)

    signal.signal(PARENT_DEATH_SIGNAL, exit_freeing_the_port)


def stop_listening(listeners) -> None:
    """Take the shared listening sockets off the port without closing this worker's descriptors
    (its event loop still holds them); on Linux a shut-down listener is unbound at once."""
    for listener in listeners:
        # A sibling worker may have shut it down already: the socket is shared.
        with contextlib.suppress(OSError):
            listener.sock.shutdown(socket.SHUT_RDWR)
