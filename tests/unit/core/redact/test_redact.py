"""Secrets never leave through repr, str, format, JSON or free text."""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaconsole.core.conf.parse import parse_config
from kaconsole.core.redact import MASK, Secret, redact_args, redact_text

PASSWORD = "cluster_pass"


def test_secret_hides_its_value_everywhere() -> None:
    secret = Secret(PASSWORD)
    shown = [
        repr(secret),
        str(secret),
        f"{secret}",
        f"{secret!r}",
        f"{secret:>20}",
        "%s %r" % (secret, secret),  # noqa: UP031 (%-formatting must hide it too)
        json.dumps({"p": secret.to_json()}),
        repr([secret]),
        repr(copy.deepcopy({"s": secret})),
    ]
    for text in shown:
        assert PASSWORD not in text
        assert MASK in text
    assert secret.reveal() == PASSWORD
    assert len(secret) == len(PASSWORD)


def test_secret_refuses_pickling_and_compares_without_revealing() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(Secret(PASSWORD))
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")
    assert Secret("a").fingerprint() == Secret("a").fingerprint()
    assert PASSWORD not in Secret(PASSWORD).fingerprint()
    assert len({Secret("a"), Secret("a"), Secret("b")}) == 2
    assert Secret(PASSWORD).truncated(8) == Secret("cluster_")
    assert Secret(PASSWORD).truncated(8) != Secret(PASSWORD)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("        auth_pass cluster_pass", "        auth_pass ***"),
        ('auth_pass "with space"', "auth_pass ***"),
        (
            "authentication { auth_type PASS auth_pass cluster_pass }",
            "authentication { auth_type PASS auth_pass *** }",
        ),
        ("@main auth_pass cluster_pass", "@main auth_pass ***"),
        ("   Password = cluster_", "   Password = ***"),
        (" Password : cluster_", " Password : ***"),
        ('{"auth_type": 1, "auth_data": "cluster_"}', '{"auth_type": 1, "auth_data": "***"}'),
        ('"auth_data":"a\\"b", "x": 1', '"auth_data":"***", "x": 1'),
        ("Authentication data = 0xdeadbeef", "Authentication data = ***"),
        ("  SSL password:abc", "  SSL password:***"),
        ("    key 1 hex:00112233", "    key 1 ***"),
        ("    password secret1", "    password ***"),
    ],
)
def test_redact_text_masks_every_known_form(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Truncating auth_pass to 8 characters",
        "(VI_1) received an invalid passwd from 192.0.2.12!",
        "bad digest or bad password !",
        "   Authentication type = PASS",
        "(VI_CLUSTER) Strict mode does not support authentication. Ignoring.",
        "auth_type PASS",
    ],
)
def test_redact_text_leaves_keepalived_wording_alone(text: str) -> None:
    assert redact_text(text) == text


def test_redact_args() -> None:
    assert redact_args("auth_pass", ("x",)) == [MASK]
    assert redact_args("key", ("1", "hex:ab")) == ["1", MASK]
    assert redact_args("priority", ("100",)) == ["100"]


_SPECIAL = set('"#!\\{}$@')


@given(
    st.text(alphabet=st.characters(categories=("L", "N", "P", "S")), min_size=4, max_size=30)
    .filter(lambda s: not _SPECIAL & set(s))
    .map(lambda s: "\u00a7" + s)
)
def test_no_auth_pass_reaches_any_output(password: str) -> None:
    text = (
        "vrrp_instance V {\n authentication {\n  auth_type PASS\n"
        f"  auth_pass {password}\n }}\n auth_hmac {{\n  key 7 {password}\n }}\n}}\n"
        f"unknown_top {{\n  password {password}\n}}\n"
    )
    config = parse_config(text)
    instance = config.instances[0]
    assert instance.authentication is not None
    assert instance.authentication.auth_pass is not None
    assert instance.authentication.auth_pass.reveal() == password
    outputs = [
        repr(config),
        str(config),
        json.dumps(config.to_json(), ensure_ascii=False),
        repr(instance),
        json.dumps(instance.to_json(), ensure_ascii=False),
    ]
    for out in outputs:
        assert password not in out
    assert password not in redact_text(text)


def test_reference_config_text_and_model_never_show_the_password(data_dir: Path) -> None:
    text = (data_dir / "conf" / "master.conf").read_text()
    assert PASSWORD in text
    config = parse_config(text)
    for out in (redact_text(text), repr(config), json.dumps(config.to_json())):
        assert PASSWORD not in out


@pytest.mark.parametrize(
    "line",
    [
        "Password = ab,cdefgh",
        "Password = pass wor",
        "auth_pass :abcdefgh",
        "auth_pass =abcdefgh",
        "auth_pass:abcdefgh",
    ],
)
def test_separators_do_not_leak_the_rest_of_a_secret(line: str) -> None:
    out = redact_text(line)
    assert "cdefgh" not in out
    assert "wor" not in out.split("=", 1)[-1]
    assert MASK in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # keepalived -t on an unterminated quote: the value stops at its line
        ("Unmatched quote: 'password \"abc\n  auth_pass cluster_pass\n",
         "Unmatched quote: 'password \"abc\n  auth_pass ***\n"),
        ('    password "abc\n    auth_pass cluster_pass\n    state MASTER\n',
         "    password ***\n    auth_pass ***\n    state MASTER\n"),
        ("key 1 'abc\nauth_pass cluster_pass", "key 1 ***\nauth_pass ***"),
        ('"auth_data": "abc\n"auth_pass": "cluster_pass"',
         '"auth_data": "***"\n"auth_pass": "***"'),
    ],
)
def test_redaction_is_line_by_line(text: str, expected: str) -> None:
    assert redact_text(text) == expected
    assert PASSWORD not in redact_text(text)


def test_a_password_on_the_line_after_auth_pass_is_masked() -> None:
    text = "  authentication {\n    auth_pass\n      cluster_pass\n    auth_type PASS\n  }\n"
    assert redact_text(text) == (
        "  authentication {\n    auth_pass\n      ***\n    auth_type PASS\n  }\n")
    assert redact_text("auth_pass \\\n\n  cluster_pass # x\n") == "auth_pass \\\n\n  *** # x\n"


@pytest.mark.parametrize(
    "text",
    [
        "auth_pass *** VI_CLUSTER",
        "auth_pass of VI_CLUSTER on lvs-master, lvs-backup is longer than 8 characters",
        "Truncating auth_pass to 8 characters",
        "the auth_pass is not compared in clear",
    ],
)
def test_ordinary_words_after_auth_pass_are_kept(text: str) -> None:
    assert redact_text(text) == text
