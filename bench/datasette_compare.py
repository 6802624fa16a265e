"""Our filtered list and CSV against Datasette serving the same SQLite file, over HTTP.

Datasette (from PyPI) is installed into a throwaway virtualenv, bench-data/tools/, the first
time; it serves bench-data/bench.sqlite3 on 127.0.0.1. Our side is the production server
(gunicorn, DEBUG off) on the database being benchmarked. Both are timed from this process:

- first page of the VCS seats: our /representatives/?sector=vcs (50 a page, with the count)
  against Datasette's /bench/partnerships_seat?sector=vcs&_size=50;
- every VCS seat as CSV: our /representatives/export.csv?sector=vcs&status=all (joined,
  with names) against Datasette's /bench/partnerships_seat.csv?sector=vcs&_stream=on (the
  seat table's own columns, ids for foreign keys), and with &_labels=on (Datasette looks up
  each foreign key's label, closer to our joined columns).

A ratio below 1 means we are faster.
"""

import statistics
import subprocess
import sys

from .scale import DATA
from .servers import fetch, time_url

TOOLS = DATA / "tools"
OURS_LIST = "/representatives/?sector=vcs"
OURS_CSV = "/representatives/export.csv?sector=vcs&status=all"


def theirs(stem):
    return {
        "list": f"/{stem}/partnerships_seat?sector=vcs&_size=50",
        "csv": f"/{stem}/partnerships_seat.csv?sector=vcs&_stream=on&_size=max",
        "csv_labels": f"/{stem}/partnerships_seat.csv?sector=vcs&_stream=on&_size=max&_labels=on",
    }


def ensure_datasette():
    """The datasette executable in bench-data/tools/, installed from PyPI when missing;
    (path, None) or (None, why not)."""
    executable = TOOLS / "bin" / "datasette"
    if executable.exists():
        return executable, None
    print("  installing Datasette into bench-data/tools/ (a throwaway virtualenv)", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(TOOLS)], check=True)
        pip = [str(TOOLS / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "datasette"], check=True, timeout=600)
    except (subprocess.SubprocessError, OSError) as error:
        return None, f"could not install Datasette: {error}"
    return (executable, None) if executable.exists() else (None, "no datasette after install")


def csv_run(url, runs):
    """Median seconds of `runs` full downloads, with the rows and megabytes of one."""
    results = [fetch(url) for _ in range(runs)]
    statuses = {status for status, _, _, _ in results}
    seconds = statistics.median(s for _, _, _, s in results)
    rows = results[0][1] - 1
    return {
        "rows": rows,
        "mb": results[0][2] / 1e6,
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "statuses": sorted(statuses),
    }


def compare(ours, datasette, stem="bench", requests=20, csv_runs=3):
    """Time both servers (Server objects) on the same questions."""
    paths = theirs(stem)
    print("  Datasette comparison over HTTP", flush=True)
    result = {
        "list": {"ours": time_url(ours.url(OURS_LIST), requests)},
        "csv": {"ours": csv_run(ours.url(OURS_CSV), csv_runs)},
    }
    result["list"]["datasette"] = time_url(datasette.url(paths["list"]), requests)
    result["csv"]["datasette"] = csv_run(datasette.url(paths["csv"]), csv_runs)
    result["csv"]["datasette_labels"] = csv_run(datasette.url(paths["csv_labels"]), csv_runs)
    result["urls"] = {"ours": [OURS_LIST, OURS_CSV], "datasette": list(paths.values())}
    return result


if __name__ == "__main__":  # python -m bench.datasette_compare: only installs Datasette
    path, why = ensure_datasette()
    print(path or why)
    sys.exit(0 if path else 1)
