"""Properties of the log parser: no input raises, fields round-trip, secrets never survive."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaconsole.core.events import LogEvent, LogKind
from kaconsole.core.logs.parse import parse_line, parse_lines
from kaconsole.core.logs.wording import classify

_line_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"))
_instance = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters=")\r\n"), min_size=1
).filter(lambda name: not re.fullmatch(r"(?:.*: )?Line \d+", name, re.S))
_word = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1)
_prio = st.integers(0, 255)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_gives_none_or_a_serialisable_event(raw: str) -> None:
    event = parse_line(raw)
    if event is not None:
        assert isinstance(event, LogEvent)
        assert isinstance(event.kind, LogKind)
        json.dumps(event.to_json())


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=200), max_size=20))
def test_any_bytes_decoded_never_raise(chunks: list[bytes]) -> None:
    lines = b"\n".join(chunks).decode("utf-8", "replace").split("\n")
    for event in parse_lines(lines):
        assert event.line is not None
        assert 1 <= event.line <= len(lines)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_line_text)
def test_any_message_is_classified(message: str) -> None:
    kind, instance, fields = classify(message)
    assert isinstance(kind, LogKind)
    assert instance is None or isinstance(instance, str)
    assert isinstance(fields, dict)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_instance, st.sampled_from(["INIT", "BACKUP", "MASTER", "FAULT", "STOP"]), st.booleans())
def test_instance_names_and_states_round_trip(name: str, state: str, old_style: bool) -> None:
    prefix = f"VRRP_Instance({name})" if old_style else f"({name})"
    assert classify(f"{prefix} Entering {state} STATE") == (LogKind.STATE, name, {"state": state})


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_instance, _prio, _prio)
def test_priority_round_trip(name: str, before: int, after: int) -> None:
    message = f"({name}) Changing effective priority from {before} to {after}"
    assert classify(message) == (LogKind.PRIORITY, name, {"from": before, "to": after})


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_instance, _word, _prio, _prio)
def test_advert_fields_round_trip(name: str, peer: str, prio: int, ours: int) -> None:
    higher = f"({name}) Master received advert from {peer} with higher priority {prio}, ours {ours}"
    assert classify(higher) == (
        LogKind.ADVERT_HIGHER,
        name,
        {"peer": peer, "priority": prio, "ours": ours},
    )
    lower = f"({name}) received lower priority ({prio}) advert from {peer} - discarding"
    assert classify(lower) == (LogKind.ADVERT_LOWER, name, {"peer": peer, "priority": prio})


# keepalived's PASS passwords are up to 8 printable bytes. Left out: quotes, which change how a
# config value is tokenised, and `*`, the mask itself.
_secret = st.text(
    st.characters(min_codepoint=33, max_codepoint=126, blacklist_characters="*\"'\\"),
    min_size=1,
    max_size=16,
)
_templates = st.sampled_from(
    [
        "   Password = {}",
        "auth_pass {}",
        "    auth_pass {}",
        '{{"auth_data": "{}", "auth_type": 1}}',
        "(Line 24) auth_pass {}",
    ]
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_templates, _secret)
def test_secrets_never_survive(template: str, secret: str) -> None:
    event = parse_line(f"Tue Nov 24 16:13:10 2026: {template.format(secret)}")
    assert event is not None
    assert event.text == template.format("***")
