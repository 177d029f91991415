"""Month names as journalctl prints them (strftime `%b`) in the locales operators run.

journalctl's short, short-precise and syslog-style output use the reader's locale for the month
(`окт 29 10:37:18`, `1月 11 14:00:10`, ` 6월 03 15:32:24`), while keepalived itself never calls
setlocale, so its console and `-g` times are always English. These are glibc's `abmon` (and
Russian `ab_alt_mon`) names; a name not here leaves the line's time unread, never the line.
"""

from __future__ import annotations

import re

ENGLISH = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: Per locale, its twelve month abbreviations in order (no two locales disagree on a name).
LOCAL = {
    "de": "Jan Feb Mär Apr Mai Jun Jul Aug Sep Okt Nov Dez",
    "fr": "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
    "es": "ene feb mar abr may jun jul ago sep oct nov dic",
    "pt": "jan fev mar abr mai jun jul ago set out nov dez",
    "it": "gen feb mar apr mag giu lug ago set ott nov dic",
    "pl": "sty lut mar kwi maj cze lip sie wrz paź lis gru",
    "ru": "янв фев мар апр мая июн июл авг сен окт ноя дек",
    "ru_alt": "янв фев мар апр май июн июл авг сен окт ноя дек",
}

_BY_NAME = {
    name.rstrip(".").casefold(): number
    for names in (" ".join(ENGLISH), *LOCAL.values())
    for number, name in enumerate(names.split(), 1)
}
# Chinese, Japanese and Korean: the month's number and a month sign (1月, 6월).
_NUMBERED = re.compile(r"(1[0-2]|0?[1-9])[月월]")


def month_number(name: str) -> int | None:
    """1-12 for a month abbreviation in any locale above; None for a name we cannot read."""
    number = _BY_NAME.get(name.rstrip(".").casefold())
    if number is not None:
        return number
    m = _NUMBERED.fullmatch(name)
    return int(m[1]) if m else None
