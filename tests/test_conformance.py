"""The public conformance cases, run through the real command as the contract says."""

import os
import subprocess

import pytest

from .conftest import OVERSIGHT, SHARED

CASES = SHARED / "conformance" / "cases"


@pytest.mark.skipif(not CASES.is_dir(), reason="../shared/conformance is not beside this checkout")
def test_public_conformance_cases_pass() -> None:
    proc = subprocess.run(
        [str(SHARED / "conformance" / "run"), str(CASES)],
        env={**os.environ, "OVERSIGHT_CMD": str(OVERSIGHT)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " 0 failed" in proc.stdout
