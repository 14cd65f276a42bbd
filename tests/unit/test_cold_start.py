"""`import app` must stay lean: heavy libraries load inside the functions that need them
(bench/cold_start.py measures the time)."""

import subprocess
import sys

# pynamodb brings botocore's client machinery (~100 ms): store models load on first use.
HEAVY = (
    "PIL",
    "stripe",
    "authlib",
    "aws_xray_sdk",
    "mutagen",
    "cryptography",
    "requests",
    "boto3",
    "pynamodb",
)


def test_import_app_loads_no_heavy_library():
    code = f"import sys, app; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
