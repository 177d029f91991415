"""The switchable panes under the node list, their strip of keys, and the search field.

Each pane is a `RingPane`: focusable, scrolled from the keyboard, searched with `/` and n/N,
followed or paused on its own. Streams (log, wire) filter on `/`; the others highlight and jump.
The strip names every pane's key with the active one marked, and what the active pane is doing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ContentSwitcher, Input, Static

from kaconsole.core.facts import AdvertSeen, LogSeen
from kaconsole.core.insight.timeline import Entry
from kaconsole.ui.present.common import Seg, clock_text
from kaconsole.ui.present.detail import entry_line
from kaconsole.ui.present.panes import PaneLine, log_line
from kaconsole.ui.widgets.ring_pane import RingPane

#: (pane, key, label in the strip), in the strip's order.
PANES: tuple[tuple[str, str, str], ...] = (
    ("logs", "l", "log"),
    ("adverts", "w", "wire"),
    ("timeline", "e", "events"),
    ("config", "c", "config"),
    ("whatif", "i", "what-if"),
    ("commands", "o", "cmds"),
)
#: Panes whose `/` filters rather than searches.
STREAMS = frozenset({"logs", "adverts"})


def _doc_line(segs: Sequence[Seg]) -> PaneLine:
    return PaneLine("", tuple(segs))


def _advert_key(f: AdvertSeen) -> tuple[object, object]:
    """An advert's stream (who sent it for which VRID, seen where) and what may change in it."""
    a = f.advert
    return (f.node, a.vrid, a.src), (a.priority, a.addresses, a.advert_int, a.problems)


def _folded(line: Callable[[AdvertSeen], PaneLine]) -> Callable[[AdvertSeen, AdvertSeen, int],
                                                                  PaneLine]:
    """A folded row: the latest advert, with the count and the first one's time after the
    priority, where a narrow pane still shows it."""
    def draw(first: AdvertSeen, last: AdvertSeen, count: int) -> PaneLine:
        segs = list(line(last).segs)
        segs.insert(3, (f"×{count} since {clock_text(first.advert.ts)}  ", "muted"))
        return PaneLine(last.node, tuple(segs))

    return draw


class PaneDeck(Vertical):
    DEFAULT_CSS = """
    PaneDeck { height: 1fr; min-height: 6; }
    """

    def __init__(self, capacity: int, advert_line: Callable[[AdvertSeen], PaneLine]) -> None:
        super().__init__(id="deck")
        self.capacity = capacity
        self.advert_line = advert_line
        self.pane = "logs"
        self._drawn: dict[str, tuple[object, ...]] = {}

    def compose(self) -> ComposeResult:
        cap = self.capacity
        yield Static(id="pane-status", markup=False)
        yield Input(placeholder="search the pane (enter keeps it, escape clears)", id="filter")
        with ContentSwitcher(initial="logs", id="panes"):
            yield RingPane[LogSeen](
                lambda f: log_line(f.node, f.event),
                capacity=cap,
                searchable=lambda f: f"{f.node} {f.event.text}",
                node_of=lambda f: f.node,
                id="logs",
            )
            with Vertical(id="adverts"):
                yield Static(id="sources")
                yield RingPane[AdvertSeen](
                    self.advert_line,
                    capacity=cap,
                    collapse=_advert_key,
                    folded=_folded(self.advert_line),
                    id="advert-lines",
                )
            yield RingPane[Entry](entry_line, capacity=cap, id="timeline")
            for name in ("config", "whatif", "commands"):
                yield RingPane[Sequence[Seg]](
                    _doc_line, capacity=cap, follow=False, id=name
                )

    def document(self, name: str, sources: tuple[object, ...],
                 lines: Callable[[], list[list[Seg]]]) -> None:
        """Draw document pane `name` from `lines()`, again only when one of its `sources`
        changed (by identity: the state keeps what did not change); its top is kept."""
        drawn = self._drawn.get(name)
        if drawn is not None and len(drawn) == len(sources) and all(
                a is b for a, b in zip(drawn, sources, strict=True)):
            return
        self._drawn[name] = sources
        items = lines()
        cap = self.capacity
        if len(items) > cap:
            more = len(items) - cap + 1
            items = [*items[:cap - 1], [(f"… {more} more lines (--pane-lines)", "muted")]]
        self.ring(name).replace(items)

    def ring(self, name: str) -> RingPane[object]:
        return self.query_one("#advert-lines" if name == "adverts" else f"#{name}", RingPane)

    @property
    def active(self) -> RingPane[object]:
        return self.ring(self.pane)

    def switch(self, name: str) -> None:
        """Show pane `name` (its ring for the document panes) and give it the keyboard."""
        self.pane = name
        self.query_one(ContentSwitcher).current = name
        field = self.query_one("#filter", Input)
        field.display = False
        self.active.focus()

    def open_search(self) -> None:
        field = self.query_one("#filter", Input)
        field.value = self.active.highlight
        field.display = True
        field.focus()

    def searched(self, text: str, node: str | None) -> None:
        """The search field changed: a stream filters, a document highlights and jumps."""
        pane = self.active
        if self.pane in STREAMS:
            pane.set_filter(text, node if self.pane == "logs" else None)
        else:
            pane.search(text)

    def clear_search(self, node: str | None) -> bool:
        """Escape: clears the search if any (True), else the keyboard leaves the pane."""
        field = self.query_one("#filter", Input)
        had = field.display or bool(self.active.highlight)
        field.value = ""
        field.display = False
        if had:
            self.searched("", node)
            self.active.focus()
        return had

    def status(self, parts: Sequence[str]) -> None:
        keys = "  ".join(
            f"[{key} {label}]" if name == self.pane else f"{key} {label}"
            for name, key, label in PANES
        )
        pane = self.active
        if pane.follow:
            state = "following"
        elif self.pane in STREAMS:
            state = "PAUSED (f / G resumes)"
        else:
            state = f"line {pane.cursor + 1}/{len(pane.visible_items)}"
        tail = [f"/{pane.highlight} (n/N)"] if pane.highlight else []
        tail += [state, *parts]
        tail.append(f"{pane.lines}/{pane.capacity}")
        self.query_one("#pane-status", Static).update(f"{keys} │ {' · '.join(tail)}")
