"""The small launcher through which the benchmarks start the processes they measure.

Linux carries a process's memory high-water mark across fork and exec, so a child forked straight from a
benchmark process would report the benchmark's memory as its own peak RSS. The launcher is a fresh, small
interpreter (`python -S`): it starts the command, waits for it with os.wait4 and writes
[wall seconds, peak RSS in KiB, exit code] as JSON to the file named by its first argument.
"""

LAUNCHER = (
    "import json, os, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "p = subprocess.Popen(sys.argv[2:])\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "p.returncode = os.waitstatus_to_exitcode(status)\n"
    "with open(sys.argv[1], 'w') as f:\n"
    "    json.dump([time.perf_counter() - t, usage.ru_maxrss, p.returncode], f)\n"
)
