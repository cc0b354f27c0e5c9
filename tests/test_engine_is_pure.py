import subprocess
import sys


def test_importing_the_engine_does_not_import_django() -> None:
    code = (
        "import sys, oversight.policy, oversight.policy.engine, oversight.policy.describe; "
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if m.startswith('django'))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
