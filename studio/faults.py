"""Telling a user's problem (full disk, read-only folder, permissions, a busy file) from damage.

The studio never treats "disk full" or "permission denied" as damage (nothing is moved aside or
repaired for them) and never reports them as a bug: they get one clear line saying what to do.
Only positive evidence (SQLite says the file is corrupt or not a database, or an integrity check
fails) counts as damage. Qt-free.
"""

from __future__ import annotations

import errno
import os
import sqlite3

# OS errors a user fixes: space, quota, read-only media, permissions, too many open files.
USER_ERRNOS = frozenset(
    {
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EROFS,
        errno.EACCES,
        errno.EPERM,
        errno.EMFILE,
        errno.ENFILE,
        errno.EFBIG,
    }
)

# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26

_SQLITE_USER_PROBLEMS = {
    _SQLITE_FULL: "the disk is full; free some space and try again",
    _SQLITE_READONLY: "the file or its folder is read-only; check the permissions or the disk",
    _SQLITE_CANTOPEN: "the file cannot be opened (permissions, a read-only disk, or a missing "
    "folder); check the folder",
    _SQLITE_PERM: "permission denied; check the file's permissions",
    _SQLITE_BUSY: "the file is locked by another program; close it and try again",
    _SQLITE_LOCKED: "the file is locked by another program; close it and try again",
    _SQLITE_IOERR: "the disk reported an input/output error (full, removed, or failing); "
    "check the disk",
}
# Messages of errors raised without a code (older Python, or errors built by hand).
_MESSAGE_HINTS = (
    ("disk is full", _SQLITE_FULL),
    ("readonly database", _SQLITE_READONLY),
    ("read-only", _SQLITE_READONLY),
    ("unable to open database", _SQLITE_CANTOPEN),
    ("database is locked", _SQLITE_BUSY),
    ("database table is locked", _SQLITE_LOCKED),
    ("disk i/o error", _SQLITE_IOERR),
    ("malformed", _SQLITE_CORRUPT),
    ("not a database", _SQLITE_NOTADB),
)


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of `exc`, from its code or, failing that, its message."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(exc).lower()
    for hint, hinted in _MESSAGE_HINTS:
        if hint in text:
            return hinted
    return None


# What a damaged database file can raise: SQLite's errors, and a UnicodeDecodeError when even
# the error message (a damaged table name in it) is not valid UTF-8.
DATABASE_ERRORS = (sqlite3.Error, UnicodeDecodeError)


def is_damage(exc: BaseException) -> bool:
    """True only for positive evidence that a database file is damaged."""
    if isinstance(exc, UnicodeDecodeError):
        return True
    return isinstance(exc, sqlite3.DatabaseError) and sqlite_code(exc) in (
        _SQLITE_CORRUPT,
        _SQLITE_NOTADB,
    )


def user_problem(exc: BaseException) -> str | None:
    """What the user can do about `exc`, or None when it is not a user problem."""
    if isinstance(exc, sqlite3.Error):
        return _SQLITE_USER_PROBLEMS.get(sqlite_code(exc) or -1)
    if isinstance(exc, OSError) and exc.errno in USER_ERRNOS:
        reason = exc.strerror or os.strerror(exc.errno)
        advice = {
            errno.ENOSPC: "free some space and try again",
            errno.EDQUOT: "free some space and try again",
            errno.EROFS: "choose a writable place",
            errno.EFBIG: "choose another place",
        }.get(exc.errno, "check the permissions")
        return f"{reason.lower()}; {advice}"
    return None


def describe(exc: BaseException, what: str | None = None) -> str | None:
    """One line for a user problem while doing `what` ("cannot write /x: no space left on
    device; free some space and try again"), or None when `exc` is not a user problem."""
    problem = user_problem(exc)
    if problem is None:
        return None
    if what is None:
        writing = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG}
        is_write = (isinstance(exc, OSError) and exc.errno in writing) or (
            isinstance(exc, sqlite3.Error) and sqlite_code(exc) in (_SQLITE_FULL, _SQLITE_READONLY)
        )
        what = "cannot write" if is_write else "cannot use the file"
    where = getattr(exc, "filename", None)
    if where and str(where) not in what:
        what = f"{what} {where}"
    return f"{what}: {problem}"
