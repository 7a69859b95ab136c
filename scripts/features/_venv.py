"""Runs the calling script inside <repo>/.venv-features, creating it on first use."""

import os
import subprocess
import sys
from pathlib import Path

SCRIPT_DIR = Path(__file__).resolve().parent
REPO_ROOT = SCRIPT_DIR.parent.parent
VENV = REPO_ROOT / ".venv-features"
REQUIREMENTS = SCRIPT_DIR / "requirements.txt"


def ensure_venv() -> None:
    """Re-executes the current script with the venv's interpreter unless already in it."""
    python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    stamp = VENV / ".requirements"
    wanted = REQUIREMENTS.read_text()
    if not python.exists() or not stamp.exists() or stamp.read_text() != wanted:
        print(f"setting up {VENV} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)], check=True
        )
        stamp.write_text(wanted)
    os.execv(str(python), [str(python), *sys.argv])
