"""Fill the benchmark database: the demo plan, grown to ``--projects`` projects.

Run by ``bench/run_pages.py`` and ``bench/profile_pages.py`` with
``DJANGO_SETTINGS_MODULE=bench.settings``; prints one line of JSON: how many projects
there are and which project's page to measure (the richest demo project). The work is
``manage.py bench_data`` (``bench/management/commands/bench_data.py``) with its default
milestones and comments per added project.
"""

import argparse
import io
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=500)
    args = parser.parse_args()

    out = io.StringIO()
    call_command("bench_data", projects=args.projects, json=True, stdout=out, stderr=sys.stderr)
    data = json.loads(out.getvalue().strip().splitlines()[-1])
    print(json.dumps({"projects": data["projects"], "detail_id": data["detail_id"]}))


if __name__ == "__main__":
    main()
