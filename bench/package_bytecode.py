"""Cold start on Lambda: `import app` from a package of sources alone, and from the same
package with its bytecode (`infrastructure/bytecode.py`, run by `make package`).

Lambda unpacks a function's package into a read-only `/var/task`: Python compiles what has
no usable bytecode at every cold start and cannot keep it. This builds a package like
Chalice's (app.py, chalicelib, and the installed packages `import app` loads; every file
dated 1980-01-01 as Chalice dates them), unpacks it twice, without and with the step's
bytecode, and times `import app` in fresh interpreters that see only the package
(`-S -B`), with the functions' deployed variables. Median of 7 each.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cold_start import import_environment  # noqa: E402
from infrastructure.bytecode import add_bytecode  # noqa: E402

RUNS = 7
CHALICE_DATE = (1980, 1, 1, 0, 0, 0)


def loaded_packages() -> list[Path]:
    """The installed packages (directories or modules) `import app` loads."""
    code = (
        "import sys, app, sysconfig; site = sysconfig.get_paths()['purelib']\n"
        "seen = set()\n"
        "for m in list(sys.modules.values()):\n"
        "    f = getattr(m, '__file__', None) or ''\n"
        "    if f.startswith(site + '/'):\n"
        "        seen.add(site + '/' + f[len(site) + 1:].split('/')[0])\n"
        "print('\\n'.join(sorted(seen)))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=import_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    return [Path(line) for line in found.stdout.split()]


def build_package(target: Path) -> None:
    files: list[tuple[Path, str]] = [(ROOT / "app.py", "app.py")]
    for top in [ROOT / "chalicelib", *loaded_packages()]:
        base = top.parent
        paths = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        files += [(p, str(p.relative_to(base))) for p in paths]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for path, name in files:
            if "__pycache__" in name or name.endswith(".pyc"):
                continue
            entry = zipfile.ZipInfo(name, date_time=CHALICE_DATE)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(entry, path.read_bytes())


def import_ms(task: Path) -> float:
    code = (
        "import sys, time; sys.path.insert(0, '.'); t = time.perf_counter(); import app; "
        "print((time.perf_counter() - t) * 1000)"
    )
    times = []
    for _ in range(RUNS):
        answer = subprocess.run(
            [sys.executable, "-S", "-B", "-c", code],
            cwd=task,
            env=import_environment(),
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(answer.stdout))
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        sources, compiled = Path(work) / "sources.zip", Path(work) / "compiled.zip"
        build_package(sources)
        compiled.write_bytes(sources.read_bytes())
        modules = add_bytecode(compiled)
        figures = {}
        for name, package in (("sources only", sources), ("with bytecode", compiled)):
            task = Path(work) / name.replace(" ", "_")
            with zipfile.ZipFile(package) as opened:
                opened.extractall(task)
            figures[name] = import_ms(task)
        size = {p.name: p.stat().st_size / 1e6 for p in (sources, compiled)}
    print(
        f"package: {modules} modules; {size['sources.zip']:.1f} MB zipped, with bytecode "
        f"{size['compiled.zip']:.1f} MB"
    )
    for name, ms in figures.items():
        print(f"import app, {name + ':':<15} {ms:7.1f} ms (median of {RUNS})")
    saved = figures["sources only"] - figures["with bytecode"]
    print(f"bytecode saves {saved:.1f} ms a cold start ({saved / figures['sources only']:.0%})")


if __name__ == "__main__":
    main()
