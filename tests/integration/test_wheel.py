"""A wheel installed as users install a tool: the demo, its cluster and the themes come with it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Runs in the fresh venv, from a directory outside the checkout: the demo console headless,
#: until a simulated node is MASTER; prints where kaconsole came from and the themes it found.
DEMO = textwrap.dedent("""
    import asyncio, sys, tempfile
    import kaconsole
    from kaconsole.sim.cluster import demo_cluster, demo_sessions
    from kaconsole.ui.app import make_app
    from kaconsole.ui.themes import load_themes

    async def main() -> None:
        cluster, where = demo_cluster()
        app = make_app(cluster, sessions=demo_sessions(cluster, speed=10), cluster_file=where,
                       save_dir=tempfile.mkdtemp())
        async with app.run_test() as pilot:
            for _ in range(1200):  # up to 120 s on a loaded machine: evidence, not a guess
                state = app.main.state
                if state and any(i.state.value == "MASTER"
                                 for n in state.nodes for i in n.instances):
                    break
                await pilot.pause(0.1)
            else:
                sys.exit("no MASTER in the demo")
    asyncio.run(main())
    print(kaconsole.__file__)
    print(",".join(load_themes()))
""")


def test_wheel_installs_and_runs_the_demo_from_anywhere(tmp_path: Path) -> None:
    dist, venv, elsewhere = tmp_path / "dist", tmp_path / "venv", tmp_path / "elsewhere"
    elsewhere.mkdir()
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist),
                    str(ROOT)], check=True, timeout=600)
    wheel = next(dist.glob("kaconsole-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True,
                   timeout=900)
    done = subprocess.run([str(python), "-c", DEMO], cwd=elsewhere, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    origin, themes = done.stdout.split()[-2:]
    assert not origin.startswith(str(ROOT)), origin
    assert themes.split(",")[:4] == ["dark", "light", "high-contrast", "colour-blind"]
    help_text = subprocess.run([str(venv / "bin" / "kaconsole"), "--help"], cwd=elsewhere,
                               capture_output=True, text=True, timeout=120)
    assert help_text.returncode == 0, help_text.stderr
