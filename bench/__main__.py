"""`make bench` (`python -m bench`): the directory at national scale x10 on SQLite, then on
PostgreSQL if one answers at 127.0.0.1:5432, with the figures next to their targets.

In this order:

1. for each database, build (or reuse, when seed and scale match) the dataset at full size
   and at a tenth of it (bench.scale prepare): bench-data/bench.sqlite3 and
   bench-small.sqlite3, or the PostgreSQL databases lsp_bench and lsp_bench_small;
2. for each database, the in-process page timings at full size (bench.scale measure
   --what pages), before anything below: minutes of full load (the exports, Datasette, wrk)
   leave this 2-core VM up to 1.6 times slower for a while afterwards;
3. then for each database: queries per page at both sizes, and the CSV export's speed and
   peak memory at both sizes, next to the database's own COPY (bench.scale measure); over
   HTTP, the production server (gunicorn -w 3, DEBUG off) against Datasette serving the
   same SQLite file (bench.datasette_compare); a bounded wrk load test of the production
   server (bench.loadtest) while a curator saves a seat through the admin every second
   (bench.curator).

Options (flags, or environment variables for `make bench`):

    --scale / BENCH_SCALE=0.1          a tenth of national scale x10 (default 1)
    --seed / BENCH_SEED                the dataset's random seed (default 2008)
    --rebuild / BENCH_REBUILD=1        build the datasets again even when they match
    --databases / BENCH_DATABASES      sqlite,postgres (default both)
    --postgres-url / BENCH_POSTGRES_URL  default postgres://postgres@127.0.0.1:5432/lsp_bench
    --requests / BENCH_REQUESTS        timed requests per page (default 50)
    --load-seconds / BENCH_LOAD_SECONDS  wrk duration (default 20)
    --connections / BENCH_CONNECTIONS  wrk connections (default 8)
    --skip / BENCH_SKIP                any of: datasette,load,small,imports

Last, the 50,000-row seat and network imports (bench.imports) on a fresh SQLite file and a
fresh PostgreSQL database (lsp_bench_imports): dry run, first import, re-import.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from .scale import (
    DATA,
    DEFAULT_SEED,
    FILTER_REGION,
    ROOT,
    marker_for,
    production_env,
    read_marker,
    redact,
    sizes,
    with_database,
)

PAGE_TARGET_MS = 50
SQLITE_REPORT_TARGET_MS = 150  # the report on the embedded default database
COPY_TARGET = 0.80
FLAT_MEMORY = 1.5  # peak at 500,000 rows over peak at about 50,000


def env(name, default):
    return os.environ.get(name) or default


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=float(env("BENCH_SCALE", "1")))
    parser.add_argument("--seed", type=int, default=int(env("BENCH_SEED", str(DEFAULT_SEED))))
    parser.add_argument(
        "--rebuild",
        action="store_true",
        default=env("BENCH_REBUILD", "").lower() in {"1", "true", "yes"},
    )
    parser.add_argument("--databases", default=env("BENCH_DATABASES", "sqlite,postgres"))
    parser.add_argument(
        "--postgres-url",
        default=env("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/lsp_bench"),
    )
    parser.add_argument("--requests", type=int, default=int(env("BENCH_REQUESTS", "50")))
    parser.add_argument("--load-seconds", type=int, default=int(env("BENCH_LOAD_SECONDS", "20")))
    parser.add_argument("--connections", type=int, default=int(env("BENCH_CONNECTIONS", "8")))
    parser.add_argument("--skip", default=env("BENCH_SKIP", ""))
    args = parser.parse_args(argv)
    args.databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    return args


def python(*arguments, env=None):
    """Run `python -m bench.scale ...` in a fresh process (Django reads DATABASE_URL once)."""
    command = [sys.executable, "-m", "bench.scale", *arguments]
    subprocess.run(command, cwd=ROOT, check=True, env={**os.environ, **(env or {})})


def postgres_answers(url):
    try:
        import psycopg

        with psycopg.connect(with_database(url, "postgres"), connect_timeout=3):
            return True, None
    except Exception as error:
        return False, str(error).strip().splitlines()[0]


def collectstatic():
    """With DEBUG off, pages need collectstatic's manifest (kept in bench-data/)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        check=True,
        env={**os.environ, **production_env("sqlite:///:memory:")},
    )


def load(path):
    path = Path(path)
    return json.loads(path.read_text()) if path.exists() else None


def prepare_database(name, full_url, small_url, args):
    """Build (or reuse) the database's datasets; the results so far, as a dict."""
    results = {"name": name, "url": redact(full_url)}
    out = DATA / "results"
    out.mkdir(parents=True, exist_ok=True)
    for path in out.glob(f"{name}-*.json"):
        path.unlink()
    common = ["--seed", str(args.seed)] + (["--rebuild"] if args.rebuild else [])
    started = time.perf_counter()
    python(
        "prepare",
        "--database-url",
        full_url,
        "--scale",
        str(args.scale),
        *common,
        "--json",
        str(out / f"{name}-build.json"),
    )
    if "small" not in args.skip:
        python("prepare", "--database-url", small_url, "--scale", str(args.scale / 10), *common)
    results["prepare_seconds"] = time.perf_counter() - started
    results["build"] = load(out / f"{name}-build.json")
    return results


def time_pages(name, full_url, args):
    """The in-process page timings at full size (bench.scale measure --what pages)."""
    print(f"\n--- {name}: pages ---", flush=True)
    pages_json = DATA / "results" / f"{name}-pages.json"
    python(
        "measure",
        "--database-url",
        full_url,
        "--what",
        "pages",
        "--requests",
        str(args.requests),
        "--json",
        str(pages_json),
    )
    return load(pages_json)["pages"]


def run_database(results, full_url, small_url, args, tools):
    """Every other measurement on one database, added to its results."""
    name = results["name"]
    out = DATA / "results"
    if "small" not in args.skip:
        python(
            "measure",
            "--database-url",
            small_url,
            "--what",
            "queries,export",
            "--json",
            str(out / f"{name}-small.json"),
        )
        results["small"] = load(out / f"{name}-small.json")
    urls_file = DATA / f"urls-{name}.txt"
    python(
        "measure",
        "--database-url",
        full_url,
        "--what",
        "queries,export,region_export,copy,summary",
        "--json",
        str(out / f"{name}-full.json"),
        "--explain",
        str(DATA / f"explain-{name}.txt"),
        "--urls",
        str(urls_file),
    )
    results["full"] = {**load(out / f"{name}-full.json"), "pages": results.pop("pages")}
    if {"datasette", "load"} <= args.skip:
        return results

    from . import datasette_compare, loadtest, servers

    with servers.gunicorn(full_url) as ours:
        if "datasette" not in args.skip:
            sqlite_file = DATA / "bench.sqlite3"
            wanted = marker_for(args.scale, args.seed)
            found = read_marker(f"sqlite:///{sqlite_file}") or {}
            if tools.get("datasette") is None:
                results["datasette"] = {"skipped": tools.get("datasette_why")}
            elif {k: found.get(k) for k in wanted} != wanted:
                results["datasette"] = {"skipped": f"no {sqlite_file} of this seed and scale"}
            else:
                with servers.datasette(tools["datasette"], sqlite_file) as theirs:
                    results["datasette"] = datasette_compare.compare(ours, theirs)
        if "load" not in args.skip:
            if tools.get("wrk") is None:
                results["load"] = {"skipped": tools.get("wrk_why")}
            else:
                from .curator import account

                results["load"] = loadtest.run(
                    tools["wrk"],
                    ours,
                    urls_file,
                    args.load_seconds,
                    args.connections,
                    curator=account(full_url),
                )
    return results


# -- Printing ----------------------------------------------------------------------------


def verdict(ok):
    return "met" if ok else "NOT MET"


def print_database(r, args):
    full, small = r["full"], r.get("small")
    title = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[r["name"]]
    print()
    print("=" * 100)
    built = r.get("build") and f"built in {r['build']['build_seconds']:.0f}s" or "reused"
    print(
        f"{title}: {r['url']}  ({full['seats']:,} seats; dataset {built}; "
        f"prepare step {r['prepare_seconds']:.0f}s)"
    )
    print("=" * 100)
    small_seats = small["seats"] if small else 0
    print(
        f"{'page (in-process, DEBUG off); made / from the cache':<52}{'median':>9}{'p95':>9}"
        f"{'cached p95':>11}{'n':>4}  {'queries':>7} {'(at ' + format(small_seats, ',') + ')':>12}"
    )
    for key, page in full["pages"].items():
        queries = full["queries"][key]["queries"]
        small_queries = small["queries"][key]["queries"] if small else "-"
        print(
            f"  {page['label'][:50]:<50}{page['median_ms']:>7.1f}ms{page['p95_ms']:>7.1f}ms"
            f"{page.get('cached_p95_ms', float('nan')):>9.1f}ms"
            f"{page['n']:>4}  {queries:>7} {small_queries:>12}"
        )
    print(
        f"  {'CSV export (all seats): queries':<56}{'':>22}  "
        f"{full['queries']['export']['queries']:>7} "
        f"{small['queries']['export']['queries'] if small else '-':>12}"
    )
    print()
    print(
        "Slowest query per page (SQL time, whole page's SQL; EXPLAIN in "
        f"bench-data/explain-{r['name']}.txt):"
    )
    for key, found in full["queries"].items():
        print(
            f"  {key:<28} slowest {found['slowest_ms']:8.1f} ms   all SQL {found['sql_ms']:8.1f} ms"
            f"   {found['slowest_sql'][:40]}..."
        )
    print()
    print(
        f"{'CSV export /representatives/export.csv?status=all':<52}{'rows':>10}{'seconds':>9}"
        f"{'rows/s':>10}{'MB':>6}{'peak KiB':>10}"
    )
    exports = [("  a tenth of the dataset", small["export"])] if small else []
    if "region_export" in full:
        exports.append((f"  full dataset, {FILTER_REGION} only", full["region_export"]))
    exports.append(("  full dataset, every seat", full["export"]))
    for label, e in exports:
        print(
            f"{label:<52}{e['rows']:>10,}{e['seconds']:>9.1f}{e['rows_per_s']:>10,.0f}"
            f"{e['mb']:>6.0f}{e['peak_kib']:>10,.0f}"
        )
    b = full["baseline"]
    print(f"  {b['how'][:50]:<50}{b['rows']:>10,}{b['seconds']:>9.1f}{b['rows_per_s']:>10,.0f}")
    print(
        f"  ours / baseline rows per second: {full['export']['rows_per_s'] / b['rows_per_s']:.2f}"
    )
    s = full.get("summary")
    if s:
        print()
        print(
            f"Report summary: made whole in {s['rebuild_s']:.1f} s (once a day, or `manage.py "
            f"refresh_report`); brought up to date after a seat's save in "
            f"{s['after_save_median_ms']:.0f} ms (median of 5, most "
            f"{s['after_save_max_ms']:.0f} ms)"
        )

    d = r.get("datasette")
    if d and "skipped" not in d:
        print()
        print(
            f"Datasette {'(same SQLite file)':<20} over HTTP from one client; ours = gunicorn -w 3 "
            f"on {title}"
        )
        lo, lt = d["list"]["ours"], d["list"]["datasette"]
        print(
            f"  VCS seats, first page   ours {lo['median_ms']:7.1f} ms (p95 {lo['p95_ms']:.1f})   "
            f"Datasette {lt['median_ms']:7.1f} ms (p95 {lt['p95_ms']:.1f})   "
            f"ratio {lo['median_ms'] / lt['median_ms']:.2f}"
        )
        co, ct, cl = d["csv"]["ours"], d["csv"]["datasette"], d["csv"]["datasette_labels"]
        print(
            f"  VCS seats, all as CSV   ours {co['seconds']:6.2f} s {co['rows']:,} rows "
            f"({co['rows_per_s']:,.0f}/s)   Datasette {ct['seconds']:6.2f} s {ct['rows']:,} rows "
            f"({ct['rows_per_s']:,.0f}/s)   ratio {co['seconds'] / ct['seconds']:.2f}"
        )
        print(
            f"  {'':24}Datasette with _labels=on {cl['seconds']:6.2f} s ({cl['rows_per_s']:,.0f}/s)"
            f"   ratio {co['seconds'] / cl['seconds']:.2f}"
        )
        print(
            f"  (ours: {', '.join(d['urls']['ours'])}; "
            f"Datasette: {', '.join(d['urls']['datasette'][:2])})"
        )
    elif d:
        print(f"\nDatasette comparison skipped: {d['skipped']}")

    lt = r.get("load")
    if lt and "skipped" not in lt and "error" not in lt:
        lat = lt["latency_ms"]
        print()
        print(
            f"Load test: wrk {lt['seconds']}s, {lt['connections']} connections, {lt['threads']} "
            f"threads, {lt['urls']} mixed URLs, gunicorn -w 3 on 127.0.0.1"
        )
        print(
            f"  {lt['requests']:,} requests, {lt['requests_per_s']:.1f} requests/s; latency p50 "
            f"{lat['p50']:.0f} ms, p90 {lat['p90']:.0f}, p95 {lat['p95']:.0f}, "
            f"p99 {lat['p99']:.0f}, max {lat['max']:.0f}"
        )
        print(
            f"  non-2xx/3xx responses {lt['non_2xx_3xx']}, socket errors {lt['socket_errors']} "
            f"{lt['socket_error_kinds']}"
        )
        print(
            "  server time under load (request log):  "
            + ";  ".join(
                f"{k} p50 {v['p50_ms']:.0f} / p95 {v['p95_ms']:.0f} ms (n={v['n']})"
                for k, v in sorted(lt["server_times"].items())
            )
        )
        print_saves(lt.get("saves"))
    elif lt:
        print(f"\nLoad test skipped: {lt.get('skipped') or lt.get('error')}")
        print_saves(lt.get("saves"))


def print_saves(saves):
    """The curator's saves during the load test (bench.curator)."""
    if not saves:
        return
    print(
        f"  curator saving seat {saves['seat']} every second through the admin: "
        f"{saves['attempts']} saves attempted, {saves['ok']} ok, {saves['errors']} errors"
        + (f" {saves['error_kinds']}" if saves["error_kinds"] else "")
    )
    if saves["save_ms"]:
        s, f = saves["save_ms"], saves["form_ms"]
        print(
            f"  save (POST, 302) p50 {s['p50']:.0f} ms, p95 {s['p95']:.0f}, max {s['max']:.0f}; "
            f"its form (GET) p50 {f['p50']:.0f} ms, p95 {f['p95']:.0f}"
        )
    for error in filter(None, [saves["login_error"], *saves["error_examples"]]):
        print(f"    {error['kind']}: {error['snippet'][:120]}")


def targets(r):
    """(target, figure, met) rows for one database."""
    full, small = r["full"], r.get("small")
    rows = []
    if r["name"] == "postgres":
        for page in full["pages"].values():
            rows.append(
                (
                    f"p95 < {PAGE_TARGET_MS} ms: {page['label'][:40]}",
                    f"{page['p95_ms']:.1f} ms",
                    page["p95_ms"] < PAGE_TARGET_MS,
                )
            )
    report = full["pages"].get("representation")
    if r["name"] == "sqlite" and report:
        rows.append(
            (
                f"p95 <= {SQLITE_REPORT_TARGET_MS} ms: {report['label'][:40]}",
                f"{report['p95_ms']:.1f} ms",
                report["p95_ms"] <= SQLITE_REPORT_TARGET_MS,
            )
        )
    if small:
        changed = [
            f"{key} {small['queries'][key]['queries']}->{found['queries']}"
            for key, found in full["queries"].items()
            if small["queries"][key]["queries"] != found["queries"]
        ]
        rows.append(
            (
                "queries per page constant (a tenth vs full)",
                ", ".join(changed) or "all equal",
                not changed,
            )
        )
        ratio = full["export"]["peak_kib"] / small["export"]["peak_kib"]
        rows.append(
            (
                f"export peak memory flat: {small['export']['rows']:,} vs "
                f"{full['export']['rows']:,} rows (<= x{FLAT_MEMORY})",
                f"{small['export']['peak_kib']:,.0f} -> {full['export']['peak_kib']:,.0f} KiB "
                f"(x{ratio:.2f})",
                ratio <= FLAT_MEMORY,
            )
        )
    if "region_export" in full:
        part, whole = full["region_export"], full["export"]
        ratio = whole["peak_kib"] / part["peak_kib"]
        rows.append(
            (
                f"export peak memory flat, same data: {part['rows']:,} vs {whole['rows']:,} rows",
                f"{part['peak_kib']:,.0f} -> {whole['peak_kib']:,.0f} KiB (x{ratio:.2f})",
                ratio <= FLAT_MEMORY,
            )
        )
    ratio = full["export"]["rows_per_s"] / full["baseline"]["rows_per_s"]
    if r["name"] == "postgres":
        rows.append(
            (f"export >= {COPY_TARGET:.0%} of COPY's rows/s", f"{ratio:.0%}", ratio >= COPY_TARGET)
        )
    d = r.get("datasette")
    if d and "skipped" not in d:
        list_ratio = d["list"]["ours"]["median_ms"] / d["list"]["datasette"]["median_ms"]
        csv_ratio = d["csv"]["ours"]["seconds"] / d["csv"]["datasette"]["seconds"]
        rows.append(
            (
                "filtered list at least as fast as Datasette's",
                f"ratio {list_ratio:.2f}",
                list_ratio <= 1,
            )
        )
        rows.append(
            ("CSV at least as fast as Datasette's", f"ratio {csv_ratio:.2f}", csv_ratio <= 1)
        )
    lt = r.get("load")
    if lt and "skipped" not in lt and "error" not in lt:
        reads = lt["non_2xx_3xx"] + lt["socket_errors"]
        saves = lt.get("saves") or {"attempts": 0, "ok": 0, "errors": 0}
        rows.append(
            (
                "zero errors under load (curator saving every second)",
                f"{reads} read + {saves['errors']} save errors",
                reads + saves["errors"] == 0 and saves["ok"] > 0,
            )
        )
        rows.append(
            (
                "under load, reads answered (wrk: p95, errors)",
                f"p95 {lt['latency_ms']['p95']:.0f} ms, {reads} errors",
                reads == 0,
            )
        )
        save_ms = saves.get("save_ms")
        rows.append(
            (
                f"under load, a curator's save a second: {saves['ok']}/{saves['attempts']} 302s",
                f"p50 {save_ms['p50']:.0f} / p95 {save_ms['p95']:.0f} ms" if save_ms else "no save",
                saves["errors"] == 0 and saves["attempts"] >= 0.9 * lt["seconds"],
            )
        )
    return rows


def run_imports(args):
    """The 50,000-row imports on each database, each into a database made for the run."""
    rows = str(max(1000, int(50_000 * min(args.scale, 1))))
    for name in args.databases:
        print(f"\n--- imports of {rows} rows: {name} ---", flush=True)
        environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        if name == "postgres":
            answers, _ = postgres_answers(args.postgres_url)
            if not answers:
                continue
            url = with_database(args.postgres_url, "lsp_bench_imports")
            import psycopg

            with psycopg.connect(
                with_database(args.postgres_url, "postgres"), autocommit=True
            ) as admin:
                admin.execute("DROP DATABASE IF EXISTS lsp_bench_imports")
                admin.execute("CREATE DATABASE lsp_bench_imports")
            environment["DATABASE_URL"] = url
        command = [sys.executable, "-m", "bench.imports", "--rows", rows]
        subprocess.run(command, cwd=ROOT, check=True, env=environment)


def databases(args):
    """(name, full dataset's URL, small dataset's URL) of each database asked for that
    answers."""
    for name in args.databases:
        if name == "sqlite":
            yield (
                name,
                f"sqlite:///{DATA / 'bench.sqlite3'}",
                f"sqlite:///{DATA / 'bench-small.sqlite3'}",
            )
        elif name == "postgres":
            answers, why = postgres_answers(args.postgres_url)
            if not answers:
                print(
                    f"\nPostgreSQL skipped: nothing answers at {redact(args.postgres_url)} ({why})"
                )
                continue
            full_url = args.postgres_url
            yield name, full_url, with_database(full_url, f"{full_url.rsplit('/', 1)[1]}_small")
        else:
            sys.exit(f"Unknown database {name!r}: use sqlite and/or postgres.")


def main(argv=None):
    args = parse_args(argv)
    started = time.perf_counter()
    DATA.mkdir(exist_ok=True)
    print(
        f"Benchmark at scale {args.scale} of national x10: "
        + ", ".join(f"{v:,} {k}" for k, v in sizes(args.scale).items())
        + f"; seed {args.seed}"
    )
    collectstatic()
    tools = {}
    if "datasette" not in args.skip:
        from .datasette_compare import ensure_datasette

        tools["datasette"], tools["datasette_why"] = ensure_datasette()
    if "load" not in args.skip:
        from .loadtest import ensure_wrk

        tools["wrk"], tools["wrk_why"] = ensure_wrk()
        if tools["wrk"] is None:
            print(f"  load test will be skipped: {tools['wrk_why']}")

    found = list(databases(args))
    prepared = {}
    for name, full_url, small_url in found:
        print(f"\n--- {name} ---", flush=True)
        prepared[name] = prepare_database(name, full_url, small_url, args)
    # Every database's page timings come before any export, Datasette comparison, load test
    # or import: on this 2-core VM, minutes of full load leave it up to 1.6 times slower for
    # a while after (README, Benchmarks), which is the load test's doing, not the page's.
    for name, full_url, _ in found:
        prepared[name]["pages"] = time_pages(name, full_url, args)
    all_results = []
    for name, full_url, small_url in found:
        print(f"\n--- {name}: queries, exports, servers ---", flush=True)
        database_started = time.perf_counter()
        results = run_database(prepared[name], full_url, small_url, args, tools)
        results["seconds"] = time.perf_counter() - database_started
        all_results.append(results)
        print_database(results, args)
        print(f"({name}: {results['seconds']:.0f}s)", flush=True)

    if "imports" not in args.skip:
        run_imports(args)

    print()
    print("=" * 100)
    print("Targets")
    print("=" * 100)
    for r in all_results:
        for target, figure, met in targets(r):
            print(f"  {r['name']:<9}{target:<62}{figure:<28}{verdict(met)}")
    total = time.perf_counter() - started
    print(f"\nTotal time {total / 60:.1f} min. Results: {DATA / 'results'}/")
    (DATA / "results" / "all.json").write_text(json.dumps(all_results, indent=1, default=str))


if __name__ == "__main__":
    main()
