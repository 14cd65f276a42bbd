"""`python -m infrastructure.bytecode build/<stage>`: the Lambda package carries its bytecode
(`make package` runs it after `chalice package`).

Lambda's `/var/task` is read-only, so Python cannot keep what it compiles there: a package
of sources alone is compiled again at every cold start (`bench/package_bytecode.py`: about
a third of `import app`). Chalice writes the wheels it vendors without bytecode, and the
`__pycache__` it picks up from the project are checked by timestamp against sources it
zips dated 1980-01-01, so they are always stale.

The step drops those and adds, beside each module, bytecode validated by nothing
(`UNCHECKED_HASH`: Python loads it without reading the source's date or hash; the
package never changes once built) compiled by this interpreter, which must be the
functions' runtime version. Tracebacks name `/var/task/...`, where Lambda unpacks the
package. Running it again on its own output changes nothing.
"""

from __future__ import annotations

import importlib.util
import py_compile
import re
import sys
import tempfile
import zipfile
from pathlib import Path

TASK_ROOT = "/var/task"  # where Lambda unpacks a function's package
PACKAGE = "deployment.zip"
_RUNTIME = re.compile(r"Runtime:\s*python(\d+)\.(\d+)")


def cached_name(source: str) -> str:
    """The bytecode's path in the package for the module at `source` (a zip path)."""
    return importlib.util.cache_from_source(source)


def runtime_version(template: Path) -> tuple[int, int]:
    """The Python version the packaged functions run on (every function's the same)."""
    found = {(int(a), int(b)) for a, b in _RUNTIME.findall(template.read_text())}
    if len(found) != 1:
        raise SystemExit(f"expected one Python runtime in {template}, found {sorted(found)}")
    return found.pop()


def add_bytecode(package: Path) -> int:
    """Rewrite `package` with bytecode beside each module; how many modules compiled."""
    with zipfile.ZipFile(package) as original:
        entries = [e for e in original.infolist() if not _is_bytecode(e.filename)]
        sources = [e for e in entries if e.filename.endswith(".py")]
        with tempfile.TemporaryDirectory() as work:
            rewritten = Path(work) / PACKAGE
            with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as out:
                for entry in entries:
                    out.writestr(_copy(entry, entry.filename), original.read(entry))
                compiled = 0
                for entry in sources:
                    code = _compiled(original.read(entry), entry, work)
                    if code is not None:
                        out.writestr(_bytecode_entry(entry), code)
                        compiled += 1
            rewritten.replace(package)
    return compiled


def _is_bytecode(name: str) -> bool:
    return name.endswith((".pyc", ".pyo")) or "/__pycache__/" in f"/{name}"


def _bytecode_entry(source: zipfile.ZipInfo) -> zipfile.ZipInfo:
    return _copy(source, cached_name(source.filename))


def _copy(entry: zipfile.ZipInfo, name: str) -> zipfile.ZipInfo:
    """A new entry named `name` with `entry`'s date and permissions (writing an entry
    records its offset in it: the original's must stay as they are to be read)."""
    copied = zipfile.ZipInfo(name, date_time=entry.date_time)
    copied.external_attr = entry.external_attr
    copied.create_system = entry.create_system
    copied.compress_type = zipfile.ZIP_DEFLATED
    return copied


def _compiled(text: bytes, source: zipfile.ZipInfo, work: str) -> bytes | None:
    """`text`'s bytecode, as Python would cache it, not checked against the source; None
    for a file that is not Python 3 (a vendored package's fixture, never imported)."""
    path = Path(work) / "module.py"
    path.write_bytes(text)
    target = Path(work) / "module.pyc"
    try:
        py_compile.compile(
            str(path),
            cfile=str(target),
            dfile=f"{TASK_ROOT}/{source.filename}",
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
    except py_compile.PyCompileError:
        return None
    return target.read_bytes()


def main(build_dir: str) -> int:
    build = Path(build_dir)
    wanted = runtime_version(build / "sam.yaml")
    if sys.version_info[:2] != wanted:
        raise SystemExit(
            f"the functions run Python {wanted[0]}.{wanted[1]}: compile their bytecode with it "
            f"(this is {sys.version_info[0]}.{sys.version_info[1]})"
        )
    count = add_bytecode(build / PACKAGE)
    print(f"{build / PACKAGE}: bytecode for {count} modules")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
