"""The drill report's picture: every probe through the VIP as a dot at its response time, the
client outage as a shaded span, the trigger and the new MASTER's first advert as lines.

matplotlib is imported only when a chart is drawn (once, as a drill finishes), so neither the
console nor the other commands pay for it at start-up. The SVG is the same bytes for the same
timeline (fixed hash salt, no date, text kept as text), so a report can be compared and diffed.
"""

from __future__ import annotations

import io

from kaconsole.drills.measure import ProbeTimeline

#: The SVG group ids the probe markers are drawn in (one `<use>` per probe), for tests and
#: for anyone styling the file.
OK_GID, FAILED_GID = "probes-answered", "probes-failed"


def probe_chart_svg(timeline: ProbeTimeline, title: str) -> str:
    """The timeline as an SVG document."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.hashsalt": "kaconsole", "svg.fonttype": "none",
                                "font.size": 9}):
        fig = Figure(figsize=(9.0, 3.2), layout="constrained")
        ax = fig.add_subplot()
        answered = [(at, took * 1000) for at, ok, took in timeline.probes if ok]
        failed = [(at, took * 1000) for at, ok, took in timeline.probes if not ok]
        if timeline.outage is not None:
            start, end = timeline.outage
            ax.axvspan(start, end, color="tab:red", alpha=0.15, lw=0,
                       label=f"client outage {end - start:.2f} s")
        for points, marker, colour, label, gid in (
            (answered, "o", "tab:green", "answered", OK_GID),
            (failed, "x", "tab:red", "failed", FAILED_GID),
        ):
            if points:
                xs, ys = zip(*points, strict=True)
                (line,) = ax.plot(xs, ys, linestyle="none", marker=marker, markersize=4,
                                  color=colour, label=label)
                line.set_gid(gid)
        if timeline.origin == "trigger":
            ax.axvline(0.0, color="tab:orange", lw=1.2, label="trigger")
        if timeline.first_advert is not None:
            who = timeline.new_master or "the new MASTER"
            ax.axvline(timeline.first_advert, color="tab:blue", lw=1.2, linestyle="--",
                       label=f"first advert from {who} ({timeline.first_advert:.2f} s)")
        ax.set_xlabel(f"seconds after the {timeline.origin}")
        ax.set_ylabel("response time (ms)")
        ax.set_ylim(bottom=0)
        ax.set_title(title)
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": "kaconsole"})
    return out.getvalue()
