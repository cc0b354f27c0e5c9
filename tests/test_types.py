"""mypy with django-stubs and djangorestframework-stubs passes on src/oversight.

The configuration is pyproject's ``[tool.mypy]`` and ``[tool.django-stubs]``; the cache
(``.mypy_cache``) makes a run after a small change take seconds.
"""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_mypy_passes_on_src_oversight() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"), "src/oversight"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"mypy found problems:\n{result.stdout}{result.stderr}"
