"""Host-key verification against a known_hosts file, for both policies.

asyncssh trusts a server key listed in `known_hosts` by itself and asks the client's
`validate_host_public_key` only about any other key (it never asks when `known_hosts` is None,
which is why None must not be used). The question is answered here: under `accept-new` an
unknown host's key is recorded, as OpenSSH would write it, and accepted; a host whose entry
lists other keys has *changed* and is refused under every policy, with a message that says
which file and line to look at.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path

import asyncssh

from kaconsole.errors import HostKeyError


def host_pattern(host: str, port: int) -> str:
    """How OpenSSH names a host in known_hosts: the bare host on port 22, else `[host]:port`."""
    return host if port == 22 else f"[{host}]:{port}"


def _hashed(pattern: str) -> str:
    """OpenSSH's hashed form (`HashKnownHosts`): `|1|salt|HMAC-SHA1(salt, pattern)`."""
    salt = os.urandom(20)
    digest = hmac.new(salt, pattern.encode(), hashlib.sha1).digest()
    return f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"


def _entries(lines: list[str]) -> list[tuple[int, str]]:
    """(line number, text) of the lines that are entries, not comments or blanks."""
    return [
        (number, line.strip())
        for number, line in enumerate(lines, 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def _listed_keys(
    entry: str, host: str, addr: str, port: int
) -> tuple[list[asyncssh.SSHKey], list[asyncssh.SSHKey]]:
    """The plain host keys and the revoked keys one known_hosts entry gives this host and port.

    Matched as OpenSSH does: `[host]:port` off port 22 with no fallback to the bare host. asyncssh
    falls back (so a port-22 key is still trusted on other ports), and in falling back it drops a
    `@revoked` entry for `[host]:port`: such a key reaches `judge`, which must refuse it.
    """
    try:
        known = asyncssh.import_known_hosts(entry)
    except ValueError:  # not an entry asyncssh can use: it trusted nothing from it either
        return [], []
    names = [(host, addr)] if port == 22 else [(host_pattern(host, port), "")]
    if port != 22 and addr:
        names.append((host_pattern(addr, port), ""))
    matches = [known.match(name, address, None) for name, address in names]
    return [k for m in matches for k in m[0]], [k for m in matches for k in m[2]]


class HostKeys:
    """One connection's host-key check: loads known_hosts, judges keys, remembers why it refused."""

    def __init__(self, node: str, path: Path, *, accept_new: bool) -> None:
        self.node = node
        self.path = path
        self.accept_new = accept_new
        #: Why the last key was refused, for the HostKeyError asyncssh's own exception lacks.
        self.refusal: str | None = None

    def load(self) -> asyncssh.SSHKnownHosts:
        """known_hosts for asyncssh, read before connecting so a file problem is named as one."""
        try:
            return asyncssh.import_known_hosts(self.path.read_text())
        except FileNotFoundError:
            if self.accept_new:
                return asyncssh.import_known_hosts("")
            raise HostKeyError(
                self.node,
                f"known_hosts file {self.path} does not exist: under host_key_policy: strict every "
                "host key must be listed there; add the hosts' keys after checking their "
                "fingerprints, or set host_key_policy: accept-new",
            ) from None
        except OSError as exc:
            raise HostKeyError(
                self.node, f"known_hosts file {self.path} cannot be read: {exc.strerror or exc}"
            ) from None
        except ValueError as exc:  # a malformed entry, or not text at all
            raise HostKeyError(self.node, f"known_hosts file {self.path}: {exc}") from None

    def client(self) -> asyncssh.SSHClient:
        """A client_factory for asyncssh.connect whose key validation is `judge`."""
        return _Client(self)

    def judge(self, host: str, addr: str, port: int, key: asyncssh.SSHKey) -> bool:
        """Whether to trust a key known_hosts does not list for this host (asyncssh asked)."""
        shown = host_pattern(host, port)
        fingerprint = key.get_fingerprint()
        try:
            lines = self.path.read_text().splitlines() if self.path.exists() else []
        except (OSError, ValueError) as exc:
            self.refusal = f"known_hosts file {self.path} cannot be read: {exc}"
            return False
        entries = _entries(lines)
        found = [(number, *_listed_keys(entry, host, addr, port)) for number, entry in entries]
        revoked = [number for number, _, keys in found if key in keys]
        if revoked:
            self.refusal = (
                f"the host key of {shown} ({fingerprint}) is revoked in {self.path} line "
                f"{revoked[0]}; refusing to connect"
            )
            return False
        listed = [(number, keys) for number, keys, _ in found if keys]
        if any(key in keys for _, keys in listed):
            return True  # recorded meanwhile, by a concurrent connection to the same host
        if listed:
            self.refusal = (
                f"the host key of {shown} has CHANGED (it now presents {fingerprint}, "
                f"{self.path} line {listed[0][0]} lists another); refusing to connect: the host "
                "was reinstalled, or someone is in the middle. If the change is expected, remove "
                f"the old key: ssh-keygen -R '{shown}' -f {self.path}"
            )
            return False
        if not self.accept_new:
            self.refusal = (
                f"the host key of {shown} ({fingerprint}) is not in {self.path}; refusing to "
                "connect (host_key_policy: strict). Add it after checking its fingerprint, or "
                "set host_key_policy: accept-new to record it on first use"
            )
            return False
        return self._record(shown, key, entries)

    def _record(self, shown: str, key: asyncssh.SSHKey, entries: list[tuple[int, str]]) -> bool:
        """Append the key for `shown`, hashed if the file already hashes its host names."""
        hashed = any(_pattern(entry).startswith("|1|") for _, entry in entries)
        name = _hashed(shown) if hashed else shown
        algorithm, blob = key.export_public_key().decode().split()[:2]  # no comment
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a+") as handle:
                handle.seek(0)
                text = handle.read()
                handle.write(
                    ("\n" if text and not text.endswith("\n") else "")
                    + f"{name} {algorithm} {blob}\n"
                )
        except OSError as exc:
            self.refusal = (
                f"cannot record the host key of {shown} in {self.path}: "
                f"{exc.strerror or exc}; refusing to connect"
            )
            return False
        return True


def _pattern(entry: str) -> str:
    """The host pattern field of a known_hosts entry (after any @marker)."""
    fields = entry.split()
    return fields[1] if fields[0].startswith("@") and len(fields) > 1 else fields[0]


class _Client(asyncssh.SSHClient):
    """Hands asyncssh's question about an unlisted host key to HostKeys.judge."""

    def __init__(self, keys: HostKeys) -> None:
        self._keys = keys

    def validate_host_public_key(
        self, host: str, addr: str, port: int, key: asyncssh.SSHKey
    ) -> bool:
        return self._keys.judge(host, addr, port, key)
