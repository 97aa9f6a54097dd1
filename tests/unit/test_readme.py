"""The README's quick start is what CI runs: its test command is the line .ci/run calls."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ci_runs_the_readmes_test_command():
    readme = ROOT / "README.md"
    quick_start = readme.read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line for line in quick_start.splitlines() if line.startswith("python3 run.py")]
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.startswith("python3 run.py")]
    assert commands == ["python3 run.py serve --demo", "python3 run.py test"] and ci == ["python3 run.py test"]
