"""Generation time and peak memory of the synthetic world per scale (issue 3, section 6).

    python benchmarks/world.py                 # tiny, local, regional
    python benchmarks/world.py --national      # also national (about ten minutes or more)

Each scale runs in a fresh process so peak memory (max RSS) is that scale's alone.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = {"tiny": 10, "local": 30, "regional": 300, "national": 1800}
RUN = """
import os, sys, json, time, resource
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cairn.settings")
os.environ.setdefault("CAIRN_DEBUG", "1")
import django; django.setup()
from pathlib import Path
from cairn.world.generator import generate
started = time.perf_counter()
result = generate(sys.argv[1], 1, Path(sys.argv[2]))
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "rows": sum(result.counts.values())}))
"""


def measure(scale: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as directory:
        output = subprocess.run(  # noqa: S603 - runs this interpreter on fixed code
            [sys.executable, "-c", RUN, scale, str(Path(directory) / scale)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--national", action="store_true", help="also run the national scale")
    parser.add_argument("--out", type=Path, default=Path("var/benchmarks/world.json"))
    arguments = parser.parse_args()
    scales = ["tiny", "local", "regional"] + (["national"] if arguments.national else [])
    results = {}
    print(f"{'scale':<10}{'seconds':>10}{'target':>10}{'peak MB':>10}{'rows':>12}")
    for scale in scales:
        figures = measure(scale)
        results[scale] = figures
        print(
            f"{scale:<10}{figures['seconds']:>10.1f}{TARGET_SECONDS[scale]:>10}"
            f"{figures['peak_mb']:>10.0f}{figures['rows']:>12,.0f}"
        )
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps({"when": time.time(), "results": results}, indent=2))


if __name__ == "__main__":
    main()
