#!/usr/bin/env python3
"""Generate the demo deployment's access logs (deterministic; re-run to refresh).

gateway.jsonl: the LLM gateway's JSON-lines access log, three days of traffic to
the credit-risk assistant: credit officers, a batch service account, failed
logins, a few requests with no user, and the personal data that leaks into
prompt previews in real deployments (e-mails, phone numbers, PAN, Aadhaar).
nginx-access.log: the reverse proxy in front of it, combined format.
"""
import json, random, time

rng = random.Random(42)
start = 1795478400  # 2026-11-24T00:00:00Z
users = ["u-%04d" % n for n in rng.sample(range(1000, 9999), 22)] + ["svc-batch-scoring"]
models = [("credit-risk-llm", "3", 0.86), ("kyc-embedder", "1", 0.12), ("credit-risk-llm", "2", 0.02)]
routes = ["/v1/chat/completions", "/v1/embeddings", "/v1/chat/completions", "/v1/moderations"]


def verhoeff_digit(num):
    d = [[0,1,2,3,4,5,6,7,8,9],[1,2,3,4,0,6,7,8,9,5],[2,3,4,0,1,7,8,9,5,6],[3,4,0,1,2,8,9,5,6,7],
         [4,0,1,2,3,9,5,6,7,8],[5,9,8,7,6,0,4,3,2,1],[6,5,9,8,7,1,0,4,3,2],[7,6,5,9,8,2,1,0,4,3],
         [8,7,6,5,9,3,2,1,0,4],[9,8,7,6,5,4,3,2,1,0]]
    p = [[0,1,2,3,4,5,6,7,8,9],[1,5,7,6,2,8,3,0,9,4],[5,8,0,3,7,9,6,1,4,2],[8,9,1,6,0,4,3,5,2,7],
         [9,4,5,3,1,2,6,8,7,0],[4,2,8,6,5,7,3,9,0,1],[2,7,9,3,8,0,6,4,1,5],[7,0,4,6,9,1,3,2,5,8]]
    inv = [0,4,3,2,1,5,6,7,8,9]
    c = 0
    for i, ch in enumerate(reversed(num)):
        c = d[c][p[(i + 1) % 8][int(ch)]]
    return str(inv[c])


def leak():
    kind = rng.choice(["email", "phone", "pan", "aadhaar"])
    if kind == "email":
        return "summarise the file sent by %s@example.in" % rng.choice(["r.sharma", "priya.k", "anil.mehta"])
    if kind == "phone":
        return "applicant asked to be called on +91 98%08d" % rng.randint(0, 99999999)
    if kind == "pan":
        return "PAN of applicant: %s%s%s%04d%s" % ("".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(3)),
                                                  "P", rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                                                  rng.randint(0, 9999), rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    base = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(10))
    num = base + verhoeff_digit(base)
    return "KYC check for Aadhaar %s %s %s" % (num[:4], num[4:8], num[8:])


gw, ngx = [], []
t = start
while t < start + 3 * 86400 - 600:
    # business hours are busy, nights quiet (but never silent for long)
    hour = (t // 3600) % 24
    t += rng.randint(20, 120) if 3 <= hour <= 13 else rng.randint(300, 1500)
    ts = t
    model, version, _ = rng.choices(models, weights=[m[2] for m in models])[0]
    user = rng.choice(users)
    status, authz = 200, "allow"
    r = rng.random()
    if r < 0.03:
        status, authz, user = 401, "deny", None
    elif r < 0.05:
        status, authz = 403, "deny"
    elif r < 0.07:
        status = 429
    elif r < 0.075:
        status = 500
    route = routes[1] if model == "kyc-embedder" else rng.choice([routes[0], routes[0], routes[3]])
    ip = "10.%d.%d.%d" % (rng.randint(0, 3), rng.randint(0, 255), rng.randint(1, 254))
    rec = {"ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts)),
           "request_id": "req-%08x" % rng.getrandbits(32), "user_id": user, "client_ip": ip,
           "route": route, "model": model, "model_version": version, "status": status,
           "authz": authz, "latency_ms": rng.randint(80, 4000) if status == 200 else rng.randint(2, 40),
           "tokens_in": rng.randint(50, 3000), "tokens_out": rng.randint(0, 800),
           "prompt_preview": leak() if rng.random() < 0.02 else "[masked]"}
    gw.append(json.dumps(rec, separators=(",", ":")))
    ngx.append('%s - %s [%s +0000] "POST %s HTTP/1.1" %d %d "-" "credit-desk/4.2 (%s)"' % (
        ip, user or "-", time.strftime("%d/%b/%Y:%H:%M:%S", time.gmtime(ts)),
        route, status, rng.randint(200, 9000), rng.choice(["win64", "macos", "batch"])))
# A line the proxy wrote while its config was being reloaded: malformed.
ngx.insert(len(ngx) // 2, "nginx: [warn] conflicting server name \"gateway.internal\" on 0.0.0.0:443, ignored")
with open("gateway.jsonl", "w") as f:
    f.write("\n".join(gw) + "\n")
with open("nginx-access.log", "w") as f:
    f.write("\n".join(ngx) + "\n")
print(len(gw), "gateway lines,", len(ngx), "nginx lines")
