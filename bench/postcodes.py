"""How fast and how big the offline postcode lookup is: `python -m bench.postcodes`.

Prints the first lookup of each letter (reading its file), warm lookups a second, and the
memory the loaded letters take: the data itself, then the process as the OS sees it.
"""

import gc
import random
import resource
import sys
import time
import tracemalloc

from partnerships import postcodes

LETTERS = "ABCDEFGHIJKLMNOPRSTUWYZ"


def rss_mb():
    """The resident set size now, from /proc (Linux), or None."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None


def peak_rss_mb():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS


def data_mb():
    """The bytes the loaded letters hold, counted object by object."""
    size = sys.getsizeof(postcodes._letters)
    for letter in filter(None, postcodes._letters.values()):
        size += sum(sys.getsizeof(part) for part in letter)
        size += sum(
            sys.getsizeof(key) + sys.getsizeof(rows) for key, rows in letter.districts.items()
        )
        size += sum(sys.getsizeof(code) for code in letter.codes)
    return size / 1e6


def sample(count):
    """Real postcodes spread over every letter, plus well-formed ones that do not exist."""
    found = []
    for letter in filter(None, postcodes._letters.values()):
        for outward, rows in letter.districts.items():
            row = rows[len(rows) // 2]
            found.append(f"{outward} {letter.inward[3 * row : 3 * row + 3].decode()}")
    random.seed(1)
    found = random.choices(found, k=count * 9 // 10)
    unknown = [f"{code[:-2]}ZZ" for code in found[: count // 10]]
    return found + unknown


def rate(function, inputs):
    start = time.perf_counter()
    for text in inputs:
        function(text)
    seconds = time.perf_counter() - start
    return len(inputs) / seconds, seconds / len(inputs) * 1e6


def main():
    postcodes._letters.clear()
    gc.collect()
    before = rss_mb()
    print("First lookup of each letter (reads and condenses its file):")
    total = 0.0
    for letter in LETTERS:
        start = time.perf_counter()
        postcodes.lookup(f"{letter}1 1AA")
        seconds = time.perf_counter() - start
        total += seconds
        rows = len(postcodes._letters[letter].which) if postcodes._letters[letter] else 0
        print(f"  {letter}  {seconds * 1000:6.1f} ms  {rows:>9,} postcodes")
    rows = sum(len(letter.which) for letter in filter(None, postcodes._letters.values()))
    print(f"  all {total:.2f} s for {rows:,} postcodes")

    gc.collect()
    after = rss_mb()
    print("Memory with every letter loaded, before the warm lookups:")
    print(f"  data held, object by object      {data_mb():6.1f} MB")
    if after is not None:
        print(f"  process RSS before loading       {before:6.1f} MB")
        print(f"  process RSS after                {after:6.1f} MB")
    print(f"  process peak RSS                 {peak_rss_mb():6.1f} MB")

    inputs = sample(200_000)
    print("Warm, over 200,000 postcodes (10% unknown):")
    for name, function in [
        ("lookup", postcodes.lookup),
        ("normalise", postcodes.normalise),
        ("looks_like_postcode", postcodes.looks_like_postcode),
    ]:
        per_second, microseconds = rate(function, inputs)
        print(f"  {name:<20} {per_second:>11,.0f} a second, {microseconds:.2f} µs each")
    districts = [text.split()[0] for text in inputs[:20_000]]
    per_second, microseconds = rate(postcodes.district_areas, districts)
    print(f"  {'district_areas':<20} {per_second:>11,.0f} a second, {microseconds:.2f} µs each")

    # Again under tracemalloc, which slows the reading down but counts every allocation.
    postcodes._letters.clear()
    gc.collect()
    tracemalloc.start()
    postcodes.preload()
    gc.collect()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print("Every letter read again under tracemalloc:")
    print(f"  held {held / 1e6:.1f} MB, peak while reading {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
