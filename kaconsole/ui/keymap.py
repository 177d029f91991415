"""The one action registry: bindings, the footer, help and the command palette all come from here.

Keys follow CONTRACTS.md section 8. Each command has an id so a user keymap can rebind it
(`App.set_keymap({"kaconsole.theme": "T"})`); `writes` marks the ones read-only mode hides.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from kaconsole.engine.actions import ActionRequest, Verb


@dataclass(frozen=True, slots=True)
class Command:
    id: str
    keys: str
    action: str
    label: str
    description: str
    show: bool = True
    writes: bool = False


MAIN: tuple[Command, ...] = (
    Command("logs", "l", "pane('logs')", "Log", "the keepalived log pane (takes the keyboard)"),
    Command("adverts", "w", "pane('adverts')", "Wire", "the VRRP adverts pane, repeats folded"),
    Command("timeline", "e", "pane('timeline')", "Events", "the timeline pane"),
    Command("config", "c", "pane('config')", "Conf", "each node's keepalived.conf"),
    Command(
        "whatif", "i", "pane('whatif')", "WhatIf",
        "priority what-if: who becomes MASTER if each tracker fails",
    ),
    Command(
        "commands", "o", "pane('commands')", "Cmds",
        "command log: every command this session ran, exit status, duration",
    ),
    Command("help", "question_mark", "help", "Help", "every key, the cluster file, the audit log"),
    Command("quit", "q", "quit", "Quit", "quit (asks first while a drill runs)"),
    Command(
        "down", "down,j", "select(1)", "Next",
        "select the next node (in a pane with the keyboard: the next line)", show=False,
    ),
    Command(
        "up", "up,k", "select(-1)", "Prev",
        "select the previous node (in a pane: the previous line)", show=False,
    ),
    Command(
        "actions",
        "a",
        "actions",
        "Actions",
        "actions for the selected node (confirmed)",
        writes=True,
    ),
    Command("drills", "d", "drills", "Drills", "pick a drill and follow it step by step"),
    Command(
        "filter", "slash", "filter", "Find",
        "filter the log or wire pane, search the others; escape clears",
    ),
    Command("detail", "enter", "open_node", "Detail",
            "the selected node whole, or in a pane the line under the cursor", show=False),
    Command("zoom", "z", "zoom", "Zoom", "the active pane full screen, or back"),
    Command("cmdline", "colon", "command_line", "Cmd",
            "command line: drill NAME, node NAME, pane NAME, theme NAME, stop nginx on NODE"),
    Command("theme", "t", "next_theme", "Theme", "next theme"),
    Command("save", "ctrl+s", "save", "Save", "save an SVG screenshot and the timeline (Markdown)"),
    Command("present", "p", "presentation", "Present", "presentation mode: big diagram and timers"),
    Command(
        "hears",
        "h",
        "app.who_hears_whom",
        "Hears",
        "who hears whom: each node's capture vs its keepalived's log, one-way losses",
        show=False,
    ),
    Command(
        "priorities",
        "P",
        "priorities",
        "Prio",
        "priority chart: each node's effective priority over time per instance, the VIP "
        "holder, transitions and operator actions",
        show=False,
    ),
    Command(
        "maintenance",
        "M",
        "app.maintenance",
        "Maint",
        "maintenance mode: drain the selected node through its track file, or put it back",
        show=False,
        writes=True,
    ),
    Command("next", "n", "search_next(1)", "Next match", "the next search match", show=False),
    Command("prev", "N", "search_next(-1)", "Prev match", "the previous search match",
            show=False),
    Command("follow", "f", "follow", "Follow", "follow or pause the active pane", show=False),
    Command(
        "merge",
        "m",
        "merge",
        "Merge",
        "log pane: all nodes merged, or the selected node",
        show=False,
    ),
    Command("clear", "escape", "clear_filter", "Clear",
            "clear the search; again: the keyboard back to the node list", show=False),
)

#: Keys of a pane that has the keyboard (RingPane binds them): listed in help.
PANE_KEYS: tuple[tuple[str, str], ...] = (
    ("j / k, up / down", "in a pane: move the cursor a line (moving up pauses the pane)"),
    ("g / G, home / end", "in a pane: the first line / the last line, following again"),
    ("pgup / pgdn, ctrl+u / ctrl+d", "in a pane: a page up / down"),
    ("enter", "in a pane: the line whole (a transition: its cause chain and evidence)"),
    ("W", "in the detail view: wrap long lines or cut them with an ellipsis"),
    ("tab", "the keyboard to the next pane or field"),
)

#: The keys of the node actions menu (`a`), in CONTRACTS.md section 8 order.
SERVICE_ACTIONS: tuple[tuple[str, str, Verb], ...] = (
    ("1", "nginx", "stop"),
    ("2", "nginx", "start"),
    ("3", "keepalived", "stop"),
    ("4", "keepalived", "start"),
    ("5", "nginx", "restart"),
    ("6", "keepalived", "restart"),
)

#: Keys inside dialogs: listed in help, bound by the dialogs themselves.
DIALOG_KEYS: tuple[tuple[str, str], ...] = (
    ("1..6", "in the actions menu: " + ", ".join(f"{k} {v} {s}" for k, s, v in SERVICE_ACTIONS)),
    ("y", "confirm (when the node's name must be typed: type it, then enter)"),
    ("n / escape", "cancel (the default)"),
    ("ctrl+p", "command palette: every action on every node, drill, pane and theme"),
    ("x", "on the drill screen: abort at the current step (the rollback is then offered); "
          "escape goes back while the drill runs on, d returns to it"),
)

_KEY_NAMES = {"question_mark": "?", "slash": "/", "colon": ":"}


def request(node: str, key: str) -> ActionRequest | None:
    for k, service, verb in SERVICE_ACTIONS:
        if k == key:
            return ActionRequest(node, service, verb)
    return None


def key_label(keys: str) -> str:
    return " / ".join(_KEY_NAMES.get(k, k) for k in keys.split(","))


def bindings() -> list[Binding]:
    return [
        Binding(
            c.keys, c.action, c.label, show=c.show, id=f"kaconsole.{c.id}", tooltip=c.description
        )
        for c in MAIN
    ]


def help_rows(read_only: bool) -> list[tuple[str, str]]:
    rows = [(key_label(c.keys), c.description) for c in MAIN if not (read_only and c.writes)]
    return rows + list(PANE_KEYS) + ([] if read_only else list(DIALOG_KEYS))
