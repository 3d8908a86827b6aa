"""``fdatasync`` handed to the kernel (Linux AIO) under the collector's cooperative workers.

The group commit's sync must not stop the gevent loop. In the hub's thread pool it costs a hand-off
of the GIL each way (the pool thread needs it to start the call and to report back), and profiles
of a loaded worker put a fifth of its main thread there (issue 18). Linux has synced files
asynchronously since 4.18: ``io_submit`` of an ``IOCB_CMD_FDSYNC`` runs the same ``fdatasync`` in
a kernel worker, and the completion is signalled on an ``eventfd`` the loop watches — no thread of
this process is involved. A completion with ``res == 0`` means what a returned ``fdatasync``
means: the file's data is on stable storage.

:class:`KernelSync` speaks the four system calls through :mod:`ctypes` (``io_setup``, ``io_submit``,
``io_getevents``, ``io_destroy``; x86-64 and arm64 numbers). Where they are missing or refused
(another OS or architecture, a seccomp profile, a file system without asynchronous sync),
:func:`kernel_sync` returns ``None`` and the caller keeps the thread pool. PyPI's ``libaio``
(python-libaio) wraps the same calls, but through the C library ``libaio.so.1``, a system package
the collector's hosts and images would then need; four calls of one fixed shape do not earn it.
"""
from __future__ import annotations

import ctypes
import logging
import os
import platform
import struct

log = logging.getLogger("ascolto.collector")

#: (io_setup, io_destroy, io_getevents, io_submit) by machine
_CALLS = {"x86_64": (206, 207, 208, 209), "aarch64": (0, 1, 4, 2)}
_IOCB_CMD_FDSYNC, _IOCB_FLAG_RESFD = 3, 1
_IOCB = struct.Struct("<QIIHhIQQqQII")  # struct iocb: 64 bytes
_EVENT = struct.Struct("<QQqq")  # struct io_event: 32 bytes


class KernelSync:
    """One process's AIO context and eventfd; :meth:`fdatasync` waits through the gevent loop.
    One sync at a time (``busy`` meanwhile: the cooperative group commit has one leader, another
    caller uses the thread pool); build it after fork."""

    busy = False
    _abandoned = False  # a sync whose caller was killed while waiting is in flight

    def __init__(self):
        self._setup, self._destroy, self._getevents, self._submit = _CALLS[platform.machine()]
        self._libc = ctypes.PyDLL(None, use_errno=True)  # keeps the GIL: these calls do not block
        self._libc.syscall.restype = ctypes.c_long
        self._ctx = ctypes.c_ulong(0)
        if self._libc.syscall(self._setup, ctypes.c_uint(1), ctypes.byref(self._ctx)) != 0:
            raise _errno("io_setup")
        self._efd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
        self._iocb = ctypes.create_string_buffer(_IOCB.size)
        self._iocbs = (ctypes.c_void_p * 1)(ctypes.addressof(self._iocb))
        self._event = ctypes.create_string_buffer(_EVENT.size)
        from gevent import get_hub
        from gevent.event import Event
        self._done = Event()
        # started once: a watcher stopped and started around each sync cost three epoll_ctl calls a group
        self._watcher = get_hub().loop.io(self._efd, 1)
        self._watcher.start(self._completed)

    def fdatasync(self, fd: int) -> None:
        """``os.fdatasync(fd)``, the loop running meanwhile; raises its ``OSError``.

        A caller killed while it waits (``GreenletExit``, a ``gevent.Timeout``) leaves its sync in
        flight: ``busy`` stays set until the loop reaps that completion (:meth:`_completed`), so no
        later sync can take it for its own; callers meanwhile use the thread pool."""
        self.busy = True
        try:
            self._submit_sync(fd)
        except BaseException:
            self.busy = False
            raise
        try:
            self._done.wait()
        except BaseException:
            if self._done.is_set():  # it completed as the caller was killed: reaped now
                self._done.clear()
                self._finish()
            else:
                self._abandoned = True
            raise
        self._done.clear()
        res = self._finish()
        if res < 0:
            raise OSError(-res, os.strerror(-res))

    def _submit_sync(self, fd: int) -> None:
        _IOCB.pack_into(self._iocb, 0, 0, 0, 0, _IOCB_CMD_FDSYNC, 0, fd, 0, 0, 0, 0, _IOCB_FLAG_RESFD, self._efd)
        if self._libc.syscall(self._submit, self._ctx, ctypes.c_long(1), self._iocbs) != 1:
            raise _errno("io_submit")

    def _finish(self) -> int:
        """Reap the completion of the sync in flight; its ``res`` (``-errno`` on failure). Frees ``busy``."""
        try:
            if self._libc.syscall(self._getevents, self._ctx, ctypes.c_long(1), ctypes.c_long(1),
                                  self._event, None) != 1:
                raise _errno("io_getevents")
            return _EVENT.unpack_from(self._event)[2]
        finally:
            self.busy = False

    def _completed(self) -> None:
        """The eventfd is readable: a sync completed (the loop calls this). The sync of a caller
        killed while waiting is reaped here; a waiting caller is woken."""
        try:
            os.eventfd_read(self._efd)
        except BlockingIOError:
            return
        if self._abandoned:
            self._abandoned = False
            self._finish()
            return
        self._done.set()

    def close(self) -> None:
        self._watcher.stop()
        self._watcher.close()
        os.close(self._efd)
        self._libc.syscall(self._destroy, self._ctx)


def _errno(call: str) -> OSError:
    err = ctypes.get_errno()
    return OSError(err, f"{call}: {os.strerror(err)}")


def kernel_sync(fd: int) -> KernelSync | None:
    """A :class:`KernelSync` that has synced ``fd`` once, or ``None`` where the kernel cannot (logged)."""
    try:
        sync = KernelSync()
    except (KeyError, OSError, AttributeError) as exc:  # another machine; no AIO; no os.eventfd
        log.info("asynchronous fdatasync unavailable (%s): the hub's thread pool syncs the log", exc)
        return None
    try:
        sync.fdatasync(fd)
    except OSError as exc:  # EINVAL: this file system has no asynchronous sync
        sync.close()
        log.info("asynchronous fdatasync refused (%s): the hub's thread pool syncs the log", exc)
        return None
    return sync
