"""How a processor stopped by a file it could not write says so (:func:`processor.consumer.run_forever`):
one line naming the file, the reason and what to do, and its own exit status — not a traceback, which
kafka-python made longer still when a rebalance listener (the metrics textfile on a full disk) raised."""
from __future__ import annotations

import errno
import os

#: a file's errors without a file name (pyarrow's: "[Errno 28] Error writing bytes to file"); a socket's
#: errors (a broker connection reset) are not the dataset's
_FILE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EACCES, errno.EPERM, errno.ENOENT,
                errno.ENOTDIR, errno.EISDIR}
#: the exit status of a processor stopped by a file it could not write (a full or read-only dataset volume)
EXIT_FILE_ERROR = 4


def file_error(exc: BaseException) -> str | None:
    """One line for a file system error (``exc`` or one it was raised from: kafka-python wraps what a
    rebalance listener raised) that stopped the processor — the file, the reason, what to do — else None.
    Nothing of the batch was committed: it is read again once the processor runs again."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and (exc.filename is not None or exc.errno in _FILE_ERRNOS):
            return (f"cannot write {exc.filename or 'the dataset'} ({exc.strerror or os.strerror(exc.errno)}): free space on, or fix, the "
                    "volume of ASCOLTO_DATA_DIR, then start the processor again; nothing of the batch was "
                    "committed, it is read again")
        exc = exc.__cause__ or exc.__context__
    return None
