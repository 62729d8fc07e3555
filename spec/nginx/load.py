#!/usr/bin/env python3
"""GET URLs from the nginx test server and print the outcome as one JSON object.

    load.py [--sequential] [--timeout S] URL...

By default every URL gets its own thread and the threads start together (a
barrier), so the requests overlap; --sequential sends them one after the
other. Prints {"elapsed": seconds for all, "results": [{"url", "status",
"body", "elapsed", "error"}...]} in the order of the URLs. Exit status 0 even
when requests fail: the caller judges the results.
"""
import json
import sys
import threading
import time
import urllib.error
import urllib.request


def fetch(url, timeout):
    started = time.monotonic()
    out = {"url": url, "status": None, "body": None, "error": None}
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            out["status"] = resp.status
            out["body"] = resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        out["status"] = exc.code
        out["body"] = exc.read().decode("utf-8", "replace")
    except Exception as exc:  # noqa: BLE001 - report every failure to the spec
        out["error"] = "%s: %s" % (type(exc).__name__, exc)
    out["elapsed"] = time.monotonic() - started
    return out


def main(argv):
    sequential = False
    timeout = 60.0
    urls = []
    i = 0
    while i < len(argv):
        if argv[i] == "--sequential":
            sequential = True
        elif argv[i] == "--timeout":
            i += 1
            timeout = float(argv[i])
        else:
            urls.append(argv[i])
        i += 1
    results = [None] * len(urls)
    started = time.monotonic()
    if sequential:
        for n, url in enumerate(urls):
            results[n] = fetch(url, timeout)
    else:
        barrier = threading.Barrier(len(urls)) if urls else None

        def worker(n, url):
            barrier.wait()
            results[n] = fetch(url, timeout)

        threads = [threading.Thread(target=worker, args=(n, u)) for n, u in enumerate(urls)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    json.dump({"elapsed": time.monotonic() - started, "results": results}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
