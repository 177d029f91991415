"""The error tree: every error a user can cause says what is wrong and where, never a traceback."""

from __future__ import annotations


class KaconsoleError(Exception):
    """Base of every error the CLI reports as a one-line message (exit status 2)."""


class InputError(KaconsoleError):
    """A file or argument given by the user is unreadable or malformed.

    `where` is "path:line" (or just the path) so the message points at the spot.
    """

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.detail = message


class InventoryError(InputError):
    """A cluster file is invalid; names the file, line and key."""

    def __init__(self, path: str, line: int | None, key: str, message: str) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(where, f"{key}: {message}" if key else message)
        self.path = path
        self.line = line
        self.key = key


class LabError(KaconsoleError):
    """The lab cannot be brought up, down or changed; the message says what is needed."""


class SshError(KaconsoleError):
    """A node cannot be reached or refuses us; the message says which node and why."""

    def __init__(self, node: str, message: str) -> None:
        super().__init__(f"{node}: {message}")
        self.node = node
        self.reason = message


class HostKeyError(SshError):
    """The node's host key is unknown (strict policy) or has changed: never connected to."""


class ActionRefused(KaconsoleError):
    """An action was not run: read-only mode, not confirmed, or already running."""
