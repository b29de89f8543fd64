#!/usr/bin/env python3
"""Exactly-once collection of a log that rotates under the collector.

Writes lines to a log across many `collect` runs while rotating it by
rename (logrotate's default), copy-truncating it (logrotate copytruncate),
leaving partial last lines, and killing some runs with SIGKILL.  Then checks
that the sum of `lines` over all entries equals the lines written and that
the entries' payloads, concatenated in log order, equal the bytes written.
Usage: exactly_once.py AUDITPACK WORKDIR [ROUNDS [JOBS]]  (JOBS: collect --jobs)
"""
import json, os, random, re, shutil, signal, subprocess, sys, time

ap, work = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 60
jobs = sys.argv[4] if len(sys.argv) > 4 else None
suffix = "-j" + jobs if jobs else ""
store = os.path.join(work, "eo-store" + suffix)
logdir = os.path.join(work, "eo-logs" + suffix)
log = os.path.join(logdir, "access.log")
rng = random.Random(int(os.environ.get("EO_SEED", "20261129")))
os.makedirs(logdir)
subprocess.run([ap, "--store", store, "-q", "init", "--origin", "test.example/eo"], check=True)

written = bytearray()
seq = 0
pending = b""   # the unfinished part of the last line, not yet written


def line():
    global seq
    seq += 1
    ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1764400000 + seq))
    return json.dumps({"ts": ts, "user": "u%d" % (seq % 17), "model": "m1",
                       "status": rng.choice([200, 200, 200, 401, 500]),
                       "seq": seq, "pad": "x" * rng.randint(0, 300)}).encode() + b"\n"


def append(data):
    with open(log, "ab") as f:
        f.write(data)
    written.extend(data)


def write_some():
    global pending
    for _ in range(rng.randint(0, 40)):
        data = pending + line()
        pending = b""
        if rng.random() < 0.15:        # leave a partial last line
            cut = rng.randint(1, len(data) - 1)
            pending = data[cut:]
            data = data[:cut]
        append(data)


def rotate_rename():
    # logrotate: .2 dropped, .1 -> .2, log -> .1, new empty log
    for n in (3, 2, 1):
        src = "%s.%d" % (log, n)
        if os.path.exists(src):
            if n == 3:
                os.unlink(src)
            else:
                os.rename(src, "%s.%d" % (log, n + 1))
    if os.path.exists(log):
        os.rename(log, log + ".1")
    open(log, "ab").close()


def rotate_copytruncate():
    if os.path.exists(log + ".1"):
        os.rename(log + ".1", log + ".2")
    shutil.copyfile(log, log + ".1")
    with open(log, "r+b") as f:
        f.truncate(0)


def collect(kill):
    cmd = [ap, "--store", store, "-q", "collect", "logs", "--format", "jsonl",
           "--name", "gw", "--field", "time=ts", "--field", "user=user",
           "--field", "status=status", "--field", "model=model", "--pii", "keep",
           log + "*"] + (["--jobs", jobs] if jobs else [])
    p = subprocess.Popen(cmd)
    if kill:
        time.sleep(rng.random() * 0.02)
        p.send_signal(signal.SIGKILL)
        p.wait()
        return "killed" if p.returncode == -9 else "finished"
    if p.wait() != 0:
        sys.exit("collect failed")
    return "ok"


open(log, "ab").close()
stats = {"ok": 0, "killed": 0, "finished": 0, "rename": 0, "copytruncate": 0}
for r in range(rounds):
    write_some()
    # Rotation never splits a line the writer has half written.
    if rng.random() < 0.15 and not pending:
        rotate_rename(); stats["rename"] += 1
    elif rng.random() < 0.12 and not pending and os.path.getsize(log) > 0:
        rotate_copytruncate(); stats["copytruncate"] += 1
    res = collect(kill=rng.random() < 0.25)
    stats[res] += 1
    if os.environ.get("EO_DEBUG"):
        print("round", r, res, "seq", seq, sorted(os.listdir(logdir)),
              [(n, os.stat(os.path.join(logdir, n)).st_ino, os.path.getsize(os.path.join(logdir, n))) for n in sorted(os.listdir(logdir))])
    if rng.random() < 0.3:
        write_some()
append(pending)
pending = b""
collect(kill=False)

out = subprocess.run([ap, "--store", store, "list", "--kind", "access-log", "--json"],
                     check=True, capture_output=True).stdout
entries = json.loads(out)
total_lines = sum(e["attrs"]["lines"] for e in entries)
got = bytearray()
for e in entries:
    got += subprocess.run([ap, "--store", store, "show", str(e["index"]), "--payload"],
                          check=True, capture_output=True).stdout
want_lines = written.count(b"\n")
print("rounds %d: %s; %d entries, %d lines written, %d collected, %d bytes"
      % (rounds, stats, len(entries), want_lines, total_lines, len(written)))
if os.environ.get("EO_DEBUG"):
    import collections
    c = collections.Counter(re.findall(rb'"seq": (\d+)', bytes(got)))
    dups = sorted(int(k) for k, v in c.items() if v > 1)
    print("duplicated seqs:", dups[:40], "...", len(dups))
    for e in entries:
        a = e["attrs"]
        print(e["index"], a["path"], a["offset_start"], a["offset_end"], a["lines"])
if total_lines != want_lines:
    sys.exit("FAIL: lines written %d, lines collected %d" % (want_lines, total_lines))
if bytes(got) != bytes(written):
    # Say where they part, to make a failure readable.
    i = next((k for k in range(min(len(got), len(written))) if got[k] != written[k]),
             min(len(got), len(written)))
    sys.exit("FAIL: payloads differ from the input at byte %d (got %d bytes, wrote %d)\n"
             "want: %r\ngot:  %r" % (i, len(got), len(written), bytes(written[i:i+80]),
                                     bytes(got[i:i+80])))
if subprocess.run([ap, "--store", store, "-q", "verify"]).returncode != 0:
    sys.exit("FAIL: the store does not verify")
print("exactly once: every line once, in order, byte for byte")
