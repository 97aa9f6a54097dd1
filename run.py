#!/usr/bin/env python3
"""Zero-setup entry point: creates ./.venv on first use, installs FlexPool into it, then runs it.

    python3 run.py serve --demo     # the service on an embedded PostgreSQL with the demo region
    python3 run.py test             # the gates (ruff: lint, import order; mypy), then the suite (pytest,
                                    # real PostgreSQL); arguments after `test` go to pytest
    python3 run.py check            # the gates alone
    python3 run.py <anything else>  # any `flexpool` subcommand
"""
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def _ensure_venv() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("[flexpool] creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("[flexpool] installing dependencies into .venv (first run only) ...", flush=True)
    subprocess.check_call([str(BIN / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                           "-e", f"{ROOT}[test]"])
    STAMP.write_text(wanted)


def _gates() -> int:
    """ruff and mypy, as CI holds every change to them; non-zero when either finds something."""
    lint = subprocess.call([str(BIN / "ruff"), "check", "."], cwd=ROOT)
    types = subprocess.call([str(BIN / "mypy")], cwd=ROOT)
    return lint or types


def main() -> int:
    _ensure_venv()
    args = sys.argv[1:] or ["serve", "--demo"]
    if args[0] == "check":
        return _gates()
    if args[0] == "test":
        failed = _gates()
        if failed:
            return failed
        cmd = [str(BIN / "python"), "-m", "pytest", *args[1:]]
    else:
        cmd = [str(BIN / "flexpool"), *args]
    os.chdir(ROOT)
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
