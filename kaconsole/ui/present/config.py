"""The configuration pane and the header's badge: `kaconsole check`'s findings on the
configurations read, the differences between nodes, and each node's keepalived.conf as
keepalived reads it (includes in place, a marker naming each file) with the findings under the
lines they concern. Pure. The text was masked when it was read (`core.conf.source`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kaconsole.core.checks.differences import Difference, differences
from kaconsole.core.checks.model import SEVERITIES, Finding
from kaconsole.core.conf.model import KeepalivedConfig, SourceLine, Where
from kaconsole.core.state.model import ClusterState
from kaconsole.ui.present.common import Seg

#: Characters of a configuration line shown (the rest is cut, with a mark).
LINE_WIDTH = 200
ROLE = {"error": "anomaly", "warning": "log-change", "info": "muted"}


def config_badge(findings: Sequence[Finding] | None) -> Seg:
    """The header's summary: "config: 1 error 2 warnings", "config ok", "config: ?" unread."""
    if findings is None:
        return ("config: ?", "muted")
    if not findings:
        return ("config ok", "healthy")
    counts = [(s, sum(f.severity == s for f in findings)) for s in SEVERITIES]
    text = " ".join(f"{n} {s}{'s' if n > 1 and s != 'info' else ''}" for s, n in counts if n)
    worst = next(s for s, n in counts if n)
    return (f"config: {text}", ROLE[worst])


def finding_line(f: Finding, indent: str = "  ", *, beside: bool = False) -> list[Seg]:
    """A finding in full; `beside` its line, it does not repeat the place."""
    where = f" ({f.where})" if f.where is not None and not beside else ""
    return [(f"{indent}▲ {f.severity} {f.code}: ", ROLE[f.severity]), (f"{f.message}{where}", "")]


def config_lines(state: ClusterState, findings: Sequence[Finding] | None) -> list[list[Seg]]:
    configs = {n.name: n.config for n in state.nodes if n.config is not None}
    if not configs:
        return [[("no keepalived.conf read yet", "muted")]]
    found = list(findings or ())
    placed = _placed(configs, found)
    lines: list[list[Seg]] = [[("Differences between nodes", "log-change")]]
    diffs = differences(configs)
    lines += [[(f"  {d.scope} {d.key}: ", ""), (d.text(), "log-change")] for d in diffs]
    if not diffs:
        lines.append([("  none", "healthy")])
    text, role = config_badge(found)
    lines.append([(f"Findings: {text.removeprefix('config: ') if found else 'none'}", role),
                  ("  (kaconsole check's, from the configurations alone)", "muted")])
    beside = {node: [f for at in lines_of.values() for f in at]
              for node, lines_of in placed.items()}
    loose = [f for f in found if not any(f in fs for fs in beside.values())]
    lines += [finding_line(f) if f in loose else _pointer(f) for f in found]
    for node, config in configs.items():
        lines += [[("", "")], [(node, "vrrp-backup"), (f"  {_files(config)}", "muted")]]
        lines += [finding_line(f) for f in found if node in f.nodes
                  and f not in beside.get(node, ()) and f not in loose]
        lines += _source(config.source, placed.get(node, {}), _changed(diffs, node))
    for n in state.nodes:
        if n.config is None:
            why = n.degraded.get("config")
            lines += [[("", "")], [(n.name, "vrrp-backup"), (
                f"  keepalived.conf not read: {why}" if why else "  keepalived.conf not read yet",
                "anomaly" if why else "muted")]]
    return lines


def _pointer(f: Finding) -> list[Seg]:
    """A finding shown in full under its line below: its code, nodes and place."""
    return [(f"  ▲ {f.severity} {f.code}: ", ROLE[f.severity]),
            (f"{', '.join(f.nodes)}, under {f.where} below", "muted")]


def _files(config: KeepalivedConfig) -> str:
    more = len(config.files) - 1
    return ", ".join(config.files[:1]) + (f" and {more} included" if more > 0 else "")


def _changed(diffs: list[Difference], node: str) -> set[Where]:
    return {w for d in diffs if (w := d.places.get(node)) is not None}


def _source(source: Sequence[SourceLine], placed: Mapping[Where, list[Finding]],
            changed: set[Where]) -> list[list[Seg]]:
    """The lines as read: a marker where each file begins (or resumes after an include)."""
    if not source:
        return [[("  (the text of this configuration was not kept)", "muted")]]
    out: list[list[Seg]] = []
    top, current = source[0].where.file, ""
    for line in source:
        where = line.where
        if where.line == 0:
            if where.file != top:
                out.append([(f"  ── included {where.file}", "vrrp-backup")])
            current = where.file
            continue
        if where.file != current:
            out.append([(f"  ── {where.file} continues", "vrrp-backup")])
            current = where.file
        text = line.text if len(line.text) <= LINE_WIDTH else line.text[:LINE_WIDTH] + "…"
        out.append([(f"{where.line:>5}  ", "muted"), (text, "log-change" if where in changed
                                                          else "")])
        out += [finding_line(f, "       ", beside=True) for f in placed.get(where, ())]
    return out


def _placed(configs: Mapping[str, KeepalivedConfig],
            findings: list[Finding]) -> dict[str, dict[Where, list[Finding]]]:
    """Which line of each node a finding goes under. Its place is written in its first node's
    configuration; another node of the finding gets it where the same file has the same
    keyword on the same line (the same layout), else it is listed under the node's name."""
    text = {node: {s.where: s.text for s in c.source if s.where.line} for node, c in
            configs.items()}
    out: dict[str, dict[Where, list[Finding]]] = {}
    for f in findings:
        if f.where is None or not f.nodes or f.where not in text.get(f.nodes[0], {}):
            continue
        keyword = _keyword(text[f.nodes[0]][f.where])
        for node in f.nodes:
            lines = text.get(node, {})
            if f.where in lines and _keyword(lines[f.where]) == keyword:
                out.setdefault(node, {}).setdefault(f.where, []).append(f)
    return out


def _keyword(line: str) -> str:
    words = line.split()
    return words[0] if words else ""
