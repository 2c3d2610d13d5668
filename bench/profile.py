#!/usr/bin/env python3
"""Sums a dotnet-trace thread-time profile (speedscope JSON) by frame: where Idp's threads ran.

    bench/profile.py RESULTS/idp.speedscope.json [--top 40] [--match Idp.]

dotnet-trace samples every thread about 100 times a second, running or not. A sample whose innermost managed
frame is a wait (thread pool idle, socket poll, lock, sleep) is counted as waiting and left out; the rest is
time on a core or in native code called from managed code (SQLite, OpenSSL). Prints the share of the running
samples per frame: inclusive (the frame is on the stack) and exclusive (the innermost managed frame), and the
inclusive share of the frames whose name contains --match (Idp's own code by default).
Python 3 standard library only.
"""
import argparse
import collections
import json

WAITS = (
    "WaitHandle.Wait", "LowLevelLifoSemaphore", "LowLevelMonitor", "Monitor.Wait", "Monitor.Enter", "Thread.Sleep",
    "SocketAsyncEngine.EventLoop", "Interop+Sys.WaitForSocketEvents", "Thread.Join", "SemaphoreSlim.Wait",
    "ManualResetEventSlim.Wait", "Task.SpinThenBlockingWait", "Interop+Sys.Poll", "WaitSubsystem",
    "PortableThreadPool+GateThread", "TimerQueue.TimerThread", "Console", "StreamReader.ReadLine",
    "FileSystemWatcher+RunningInstance.TryReadEvent",
)
# Innermost frames of threads that wait in native code: the finalizer thread between finalizers, a thread held for a
# garbage collection, an idle pool thread.
IDLE_INNERMOST = ("GC.RunFinalizers", "PollGCWorker", "WorkerThread.WorkerThreadStart", "Thread.StartCore", "?!?")
PSEUDO = ("UNMANAGED_CODE_TIME", "CPU_TIME", "Thread (", "Process", "(Non-Activities)", "Threads")


def stacks(doc):
    frames = [f["name"] for f in doc["shared"]["frames"]]
    for profile in doc["profiles"]:
        if profile["type"] == "sampled":
            for sample, weight in zip(profile["samples"], profile["weights"]):
                yield [frames[i] for i in sample], weight
        else:  # evented: open/close events; the weight of a stack is the time until the next event
            open_stack, last = [], profile["startValue"]
            for event in profile["events"]:
                if open_stack and event["at"] > last:
                    yield [frames[i] for i in open_stack], event["at"] - last
                last = event["at"]
                if event["type"] == "O":
                    open_stack.append(event["frame"])
                elif open_stack:
                    open_stack.pop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--match", default="Idp.")
    args = parser.parse_args()
    with open(args.file) as f:
        doc = json.load(f)

    inclusive, exclusive, own = collections.Counter(), collections.Counter(), collections.Counter()
    running = waiting = 0.0
    for stack, weight in stacks(doc):
        managed = [name for name in stack if not name.startswith(PSEUDO)]
        if not managed:
            continue
        innermost = managed[-1]
        if any(w in name for name in managed[-4:] for w in WAITS) or any(idle in innermost for idle in IDLE_INNERMOST):
            waiting += weight
            continue
        running += weight
        exclusive[innermost] += weight
        for name in set(managed):
            inclusive[name] += weight
            if args.match in name:
                own[name] += weight
    if running == 0:
        print("no running samples")
        return
    print(f"running samples: {running:.0f} ms of thread time (waiting left out: {waiting:.0f} ms)\n")
    for title, counter in (("inclusive", inclusive), ("exclusive (innermost managed frame)", exclusive), (f"inclusive, frames matching '{args.match}'", own)):
        print(f"| {title} | % |\n|---|---|")
        for name, weight in counter.most_common(args.top):
            print(f"| `{name[:150]}` | {100 * weight / running:.1f} |")
        print()


if __name__ == "__main__":
    main()
