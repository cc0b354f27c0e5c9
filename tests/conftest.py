import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("OVERSIGHT_DEBUG", "1")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
OVERSIGHT = Path(sys.executable).parent / "oversight"


@pytest.fixture
def oversight_cmd() -> str:
    return str(OVERSIGHT)
