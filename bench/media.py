"""Media: inspection and rendition time of a 12-megapixel JPEG, and peak memory while
inspecting a 1 GB video stored in S3.

The video is a real MP4 layout written sparsely (1 GB of `mdat` by seeking, `moov` at the
end), uploaded by multipart to moto's S3 running in this process (served on a free
loopback port). It is inspected in a separate process, the way the API Lambda would:
by ranged GETs. That process's peak RSS (VmHWM) is the figure: moto keeps objects in
its own memory, which must not be counted as the inspection's.
Goal (issue 7): under 100 MB RSS, the video never read whole.
"""

from __future__ import annotations

import io
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 5
VIDEO_BYTES = 1024**3
BUCKET = "schedulo-bench-media"
KEY = "uploads/w_bench/m_bench/big.mp4"


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def photo_12mp() -> bytes:
    """A 4000x3000 JPEG with gradients and sensor-like noise (compresses like a photo)."""
    from PIL import Image

    size = (4000, 3000)
    red = Image.linear_gradient("L").resize(size)
    green = Image.radial_gradient("L").resize(size)
    blue = Image.effect_noise(size, 48)
    image = Image.merge("RGB", (red, green, blue))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def median_ms(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_photo() -> None:
    from chalicelib.media.inspection import inspect
    from chalicelib.media.renditions import SPECS, render, spec_for
    from chalicelib.media.source import BytesSource

    photo = photo_12mp()
    facts = inspect(BytesSource(photo))
    print(f"12 MP JPEG: {facts.width}x{facts.height}, {len(photo) / 1e6:.1f} MB")
    print(
        f"  inspection (full decode):     {median_ms(lambda: inspect(BytesSource(photo))):7.0f} ms"
    )
    targets = [("instagram", "feed"), ("instagram", "story"), ("pinterest", "feed"), ("x", "feed")]
    specs = [spec_for(*target) for target in targets]
    for spec in [*specs, spec_for("bluesky"), SPECS["thumbnail"]]:
        assert spec is not None
        name = spec.name
        made = render(photo, spec, (0.4, 0.5))
        ms = median_ms(lambda spec=spec: render(photo, spec, (0.4, 0.5)))
        print(
            f"  rendition {name:16}    {ms:7.0f} ms  -> {made.width}x{made.height}, "
            f"{len(made.data) / 1e6:.2f} MB"
        )
    print(f"  (median of {RUNS} runs each)")


def inspect_child(endpoint: str) -> None:
    """Runs in its own process: inspect the stored video, report memory and reads."""
    import boto3

    from chalicelib.media.inspection import inspect
    from chalicelib.media.source import S3Source

    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    s3.head_bucket(Bucket=BUCKET)  # warm the client before the baseline
    baseline = current_rss_mb()
    start = time.perf_counter()
    source = S3Source(s3, BUCKET, KEY)
    result = inspect(source)
    elapsed = time.perf_counter() - start
    print(
        json.dumps(
            {
                "baseline_mb": baseline,
                "peak_mb": peak_rss_mb(),
                "seconds": elapsed,
                "bytes_read": source.bytes_read,
                "requests": source.requests,
                "size": source.size,
                "result": result.model_dump(mode="json"),
            }
        )
    )


def bench_video() -> None:
    import boto3
    from boto3.s3.transfer import TransferConfig
    from moto.server import ThreadedMotoServer

    from local.stack import free_port
    from tests.support.media_files import write_sparse_mp4

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "big.mp4"
            size = write_sparse_mp4(path, VIDEO_BYTES, width=3840, height=2160, seconds=1800)
            start = time.perf_counter()
            s3.upload_file(
                str(path),
                BUCKET,
                KEY,
                Config=TransferConfig(
                    multipart_threshold=64 * 1024**2,
                    multipart_chunksize=64 * 1024**2,
                    max_concurrency=2,
                ),
            )
            upload_seconds = time.perf_counter() - start
        child = subprocess.run(
            [sys.executable, __file__, "--inspect-child", endpoint],
            cwd=ROOT,
            env={**os.environ, "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"},
            capture_output=True,
            text=True,
            check=True,
        )
        report = json.loads(child.stdout.strip().splitlines()[-1])
    finally:
        server.stop()
    facts = report["result"]
    print(
        f"1 GB video: {size / 1024**3:.2f} GiB MP4, moov at the end, uploaded by multipart "
        f"in {upload_seconds:.1f} s"
    )
    print(
        f"  inspection: {facts['width']}x{facts['height']}, {facts['duration_seconds']} s, "
        f"{facts['video_codec']} in {report['seconds']:.2f} s"
    )
    print(
        f"  read {report['bytes_read']} bytes of {report['size']} in {report['requests']} "
        f"ranged GETs ({report['bytes_read'] / report['size'] * 100:.5f} % of the file)"
    )
    print(
        f"  inspecting process: peak RSS {report['peak_mb']:.1f} MB "
        f"(Python + boto3 before inspecting: {report['baseline_mb']:.1f} MB; goal: under 100 MB)"
    )


def main() -> None:
    if sys.argv[1:2] == ["--inspect-child"]:
        inspect_child(sys.argv[2])
        return
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    bench_photo()
    bench_video()


if __name__ == "__main__":
    main()
