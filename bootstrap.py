"""Install Bản tin into .venv and run one of its invoke tasks: `python3 bootstrap.py serve`.

Only the standard library is used, because this runs before anything is installed. Debian's
python3 refuses `pip install` outside a virtual environment and may lack ensurepip (package
python3-venv), so the environment is made without pip when needed and filled by the outer pip.
"""

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
REQUIREMENTS = {"test": "requirements-test.txt"}


def make_venv() -> None:
    """Create .venv with pip when the interpreter can, without it otherwise."""
    if PYTHON.exists():
        return
    try:
        venv.EnvBuilder(with_pip=True).create(VENV)
    except Exception:  # ensurepip missing (Debian without python3-venv)
        venv.EnvBuilder(with_pip=False, clear=True).create(VENV)


def pip_install(requirements: str) -> None:
    """Install the locked requirements into .venv, with its own pip or the outer one."""
    args = ["install", "--quiet", "--disable-pip-version-check", "-r", str(ROOT / requirements)]
    has_pip = subprocess.run([PYTHON, "-m", "pip", "--version"], capture_output=True).returncode == 0
    if has_pip:
        command = [PYTHON, "-m", "pip", *args]
    else:
        command = [sys.executable, "-m", "pip", "--python", str(PYTHON), *args]
    print(f"bootstrap: installing {requirements} into {VENV}", flush=True)
    subprocess.run(command, check=True)


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python3 bootstrap.py TASK [ARGS...]   (for example: serve, test)")
        return 2
    make_venv()
    try:
        pip_install(REQUIREMENTS.get(argv[0], "requirements.txt"))
    except subprocess.CalledProcessError as error:
        print(f"bootstrap: pip failed with exit code {error.returncode}", file=sys.stderr)
        return error.returncode
    os.chdir(ROOT)
    os.execv(PYTHON, [str(PYTHON), "-m", "invoke", *argv])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
