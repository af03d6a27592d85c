"""The C allocator's settings for the greeter's own process.

glibc reads `GLIBC_TUNABLES` once, as a process starts, so the kiosk session sets them on the
greeter's command line (packaging/xsession/kiosk-session; packaging/build-deb writes this value
into it), after any the site set (the later setting of a tunable wins), and the benchmarks
start their greeter the same way (`bench.children`).

Why: with glibc's defaults the greeter's RSS climbed ~0.5 MiB between login 10 and ~50, then
stayed flat to login 200. heaptrack found nothing allocated and alive at login 120 that was not
at login 20: the climb was the allocator's own caches filling, one arena per thread and a cache
per thread of up to 7 freed chunks of each size (15 threads), each thread filling as it first met
each size. One arena and no per-thread cache: the heap in use stays flat from login 10, at no
cost measured in tap to PIN screen. A greeter allocates little per tap.
"""

from __future__ import annotations

from collections.abc import MutableMapping

TUNABLES_VARIABLE = "GLIBC_TUNABLES"
GREETER_MALLOC_TUNABLES = "glibc.malloc.arena_max=1:glibc.malloc.tcache_count=0"


def forget_greeter_tunables(environ: MutableMapping[str, str]) -> None:
    """Drop the greeter's own allocator settings from its environment once they took effect:
    the sessions, hooks and helpers it starts get what the kiosk session had (glibc's defaults,
    or the site's own settings, which the kiosk session puts before the greeter's)."""
    value = environ.get(TUNABLES_VARIABLE, "")
    if value == GREETER_MALLOC_TUNABLES:
        del environ[TUNABLES_VARIABLE]
    elif value.endswith(":" + GREETER_MALLOC_TUNABLES):
        environ[TUNABLES_VARIABLE] = value.removesuffix(":" + GREETER_MALLOC_TUNABLES)
