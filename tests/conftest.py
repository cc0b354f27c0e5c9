import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
OVERSIGHT = Path(sys.executable).parent / "oversight"


@pytest.fixture
def oversight_cmd() -> str:
    return str(OVERSIGHT)
