"""keepalived's own format strings, quoted from its source, and the event each must give.

Every `log_message` (and, from 2.3.0, `log_rate_limited_error`) format string with a state,
priority, advert, VIP, script or fault meaning at the release tags v1.2.24, v1.3.9, v1.4.5,
v2.0.20, v2.1.5, v2.2.7, v2.2.8 and v2.3.3 (keepalived/vrrp/*.c and keepalived/core/*.c), with
the first and last of those tags that has it. Each is filled printf-style (Python's % reads
%d %u %i %ld the same way) and must classify as the row says.
"""

from __future__ import annotations

from typing import Any

import pytest

from kaconsole.core.events import LogKind as K
from kaconsole.core.logs.wording import classify
from tests.kits.logformats import FORMATS, TAGS, I


@pytest.mark.parametrize(
    ("versions", "fmt", "args", "kind", "fields"), FORMATS, ids=lambda v: str(v)[:50]
)
def test_format_string_gives_its_event(
    versions: tuple[str, str], fmt: str, args: tuple[Any, ...], kind: K, fields: dict[str, Any]
) -> None:
    assert versions[0] in TAGS
    assert versions[1] in TAGS
    assert TAGS.index(versions[0]) <= TAGS.index(versions[1])
    message = fmt % args
    instance = I if args and args[0] == I else None
    assert classify(message) == (kind, instance, fields)


