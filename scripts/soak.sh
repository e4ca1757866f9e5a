#!/usr/bin/env bash
# Soak test: a mixed load on a demo served on loopback for a bounded time, while the server's
# memory is sampled.
#
# It starts `passerelle demo` on a fresh data folder, reads the demo accounts, then a few
# concurrent clients (Python standard library threads, no dependency) sign in (API and form)
# and out, read offers' shortlists, propose people, move referrals (the advisor accepts or
# declines, the recruiter holds interviews and closes them), view pages and import offers (a
# small Offres v2 JSON file through the API, a small CSV file through the import page) until
# the time is up. The server's resident memory (VmRSS of /proc/PID/status) is sampled every
# 10 s. At the end it prints the requests, their statuses by kind, the latency percentiles and
# the memory at start (before the load), at its highest and at the end; it exits non-zero if
# any answer was a 5xx or any request got no answer.
#
# The data stays bounded: imports rewrite the same few offer references, signed-in sessions
# are signed out, so memory that keeps growing is the server's, not the data's.
#
# Usage: scripts/soak.sh [--binary PATH] [--minutes N] [--clients N] [--port N]
#   --binary   the passerelle binary (default target/release/passerelle)
#   --minutes  how long the load runs (default 30; fractions allowed: 2.5)
#   --clients  concurrent clients (default 4)
#   --port     loopback port (default 8093)
set -euo pipefail

binary=target/release/passerelle
minutes=30
clients=4
port=8093
while [ $# -gt 0 ]; do
  case $1 in
    --binary) binary=$2; shift 2 ;;
    --minutes) minutes=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -x "$binary" ] || { echo "no passerelle binary at $binary (cargo build --release -p passerelle)" >&2; exit 2; }
command -v python3 > /dev/null || { echo "python3 is needed" >&2; exit 2; }

work=$(mktemp -d)
base="http://127.0.0.1:$port"
if curl -s -o /dev/null "$base/healthz"; then
  echo "something already listens on port $port" >&2
  exit 2
fi
"$binary" demo --data-dir "$work/demo" --bind "127.0.0.1:$port" > "$work/demo.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2> /dev/null || true
  wait "$server" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
echo "== starting the demo (pid $server, data in $work/demo; the first start simulates a region)"
for _ in $(seq 900); do
  curl -sf -o /dev/null "$base/healthz" && break
  kill -0 "$server" 2> /dev/null || { cat "$work/demo.log"; echo "the demo stopped" >&2; exit 1; }
  sleep 1
done
curl -sf -o /dev/null "$base/healthz" || { echo "the demo did not answer" >&2; exit 1; }

python3 - "$base" "$work/demo/demo-accounts.json" "$server" "$minutes" "$clients" <<'PY'
import http.client
import json
import random
import re
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict

base, accounts_file, pid, minutes, clients = sys.argv[1:6]
pid, minutes, clients = int(pid), float(minutes), int(clients)
host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
accounts = {a["role"]: a for a in json.load(open(accounts_file))}

lock = threading.Lock()
statuses = defaultdict(Counter)  # kind -> status -> count
latencies = defaultdict(list)  # kind -> seconds
failures = []  # (kind, what) of 5xx and unanswered requests, the first few kept


def rss_kib():
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class Http:
    """One keep-alive connection, reopened after an error; cookies kept by name."""

    def __init__(self):
        self.conn = None
        self.cookies = {}
        self.csrf = None
        self.token = None

    def request(self, kind, method, path, body=None, headers=None, auth="cookie"):
        headers = dict(headers or {})
        if auth == "cookie" and self.cookies:
            headers["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if auth == "cookie" and self.csrf and method != "GET":
            headers.setdefault("x-csrf-token", self.csrf)
        if auth == "token" and self.token:
            headers["authorization"] = f"Bearer {self.token}"
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers["content-type"] = "application/json"
        elif isinstance(body, str):
            body = body.encode()
        start = time.monotonic()
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(host, port, timeout=60)
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError) as err:
                self.conn.close()
                self.conn = None
                # A kept-alive connection the server closed meanwhile: once more, afresh.
                if attempt == 2 or not isinstance(
                    err, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
                ):
                    record(kind, "no answer", time.monotonic() - start, f"{method} {path}: {err!r}")
                    return None, b""
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                if "Max-Age=0" in value or val == "":
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = val
        if response.getheader("connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        record(kind, response.status, time.monotonic() - start, f"{method} {path}")
        return response.status, data


def record(kind, status, seconds, what):
    with lock:
        statuses[kind][status] += 1
        latencies[kind].append(seconds)
        if (status == "no answer" or (isinstance(status, int) and status >= 500)) and len(failures) < 20:
            failures.append((kind, status, what))


def sign_in_api(role, kind="sign-in (API)"):
    client = Http()
    a = accounts[role]
    status, data = client.request(kind, "POST", "/api/v1/session", {"email": a["email"], "password": a["password"]})
    if status == 200:
        body = json.loads(data)
        client.csrf = body["csrf_token"]
        client.seats = body["user"]["seats"]
    return client


class Worker(threading.Thread):
    def __init__(self, n, deadline):
        super().__init__(daemon=True)
        self.n = n
        self.deadline = deadline
        self.rng = random.Random(n)
        self.imports = 0
        self.cursor = {"advisor": 0, "recruiter": 0}
        self.offers = []
        self.candidates = []

    def sessions(self):
        while True:
            self.recruiter = sign_in_api("recruiter")
            self.advisor = sign_in_api("advisor")
            self.steering = sign_in_api("steering")
            if all(c.csrf for c in (self.recruiter, self.advisor, self.steering)):
                break
            time.sleep(1)
        self.siret = self.recruiter.seats[0]["siret"]
        # The systems' way in: a bearer token for the offers' API.
        status, data = self.recruiter.request("token", "POST", "/api/v1/tokens", {"name": f"soak {self.n}"})
        if status == 201 or status == 200:
            self.recruiter.token = json.loads(data)["token"]

    def run(self):
        self.sessions()
        actions = [
            (self.sign_in_and_out_api, 3),
            (self.sign_in_and_out_form, 2),
            (self.shortlist, 20),
            (self.propose, 10),
            (self.move, 14),
            (self.page, 40),
            (self.import_json, 4),
            (self.import_csv, 2),
        ]
        do, weights = zip(*actions)
        while time.monotonic() < self.deadline:
            self.rng.choices(do, weights)[0]()

    def sign_in_and_out_api(self):
        client = sign_in_api(self.rng.choice(list(accounts)))
        if client.csrf:
            client.request("sign-out (API)", "DELETE", "/api/v1/session")

    def sign_in_and_out_form(self):
        client = Http()
        role = self.rng.choice(["advisor", "recruiter", "steering"])
        a = accounts[role]
        form = urllib.parse.urlencode({"email": a["email"], "password": a["password"], "suite": ""})
        status, _ = client.request(
            "sign-in (form)", "POST", "/connexion", form, {"content-type": "application/x-www-form-urlencoded"}
        )
        if status != 303:
            return
        # Every page's header holds the sign-out form; the home page sends to the role's own.
        status, html = client.request("page /", "GET", "/")
        if status == 303:
            own = {"recruiter": "/tableau-de-bord", "advisor": "/demandeurs", "steering": "/pilotage"}[role]
            status, html = client.request("page " + own, "GET", own)
        token = re.search(rb'name="csrf_token" value="([^"]+)"', html or b"")
        if token:
            form = urllib.parse.urlencode({"csrf_token": token.group(1).decode()})
            client.request(
                "sign-out (form)", "POST", "/deconnexion", form, {"content-type": "application/x-www-form-urlencoded"}
            )

    def open_offers(self):
        if not self.offers or self.rng.random() < 0.05:
            status, data = self.recruiter.request("dashboard", "GET", "/api/v1/dashboard")
            if status == 200:
                self.offers = [o["offer"]["id"] for o in json.loads(data).get("open", [])]
        return self.offers

    def shortlist(self):
        offers = self.open_offers()
        if not offers:
            return
        offer = self.rng.choice(offers)
        status, data = self.recruiter.request("shortlist", "GET", f"/api/v1/offers/{offer}/shortlist", auth="token")
        if status == 200:
            self.candidates = [(offer, c["job_seeker_id"]) for c in json.loads(data)["candidates"]]

    def propose(self):
        if not self.candidates:
            return self.shortlist()
        offer, seeker = self.candidates.pop(self.rng.randrange(len(self.candidates)))
        self.recruiter.request("proposal", "POST", "/api/v1/referrals", {"offer_id": offer, "job_seeker_id": seeker})

    def move(self):
        role = self.rng.choice(["advisor", "recruiter"])
        client = self.advisor if role == "advisor" else self.recruiter
        status, data = client.request(
            "referral list", "GET", f"/api/v1/referrals?limit=100&after={self.cursor[role]}"
        )
        if status != 200:
            return
        page = json.loads(data)
        if not page:
            self.cursor[role] = 0
            return
        self.cursor[role] = page[-1]["id"]
        today = time.strftime("%Y-%m-%d", time.gmtime())
        for referral in page:
            state = referral["state"]
            if role == "advisor" and state == "proposed":
                body = {"to": self.rng.choice(["accepted", "accepted", "declined"])}
            elif role == "recruiter" and state == "accepted":
                body = {"to": "interview"}
            elif role == "recruiter" and state == "interview":
                body = self.rng.choice(
                    [{"to": "hired", "hire_starts_on": today}, {"to": "not_hired", "not_hired_reason": "other"}]
                )
            else:
                continue
            client.request("move", "POST", f"/api/v1/referrals/{referral['id']}/transitions", body)
            return

    def page(self):
        role = self.rng.choice(["recruiter", "recruiter", "advisor", "steering"])
        offers = self.offers or [0]
        paths = {
            "recruiter": [
                "/",
                "/tableau-de-bord",
                f"/offres/{self.rng.choice(offers)}",
                "/mises-en-relation",
                "/annuaire",
                "/offres/nouvelle",
                "/offres/import",
                "/tuteurs",
            ],
            "advisor": ["/demandeurs", "/demandeurs?q=martin", "/mises-en-relation", "/actions", "/duos", "/invitations"],
            "steering": ["/pilotage", "/tension", "/pilotage/rapport", "/politique"],
        }[role]
        client = {"recruiter": self.recruiter, "advisor": self.advisor, "steering": self.steering}[role]
        path = self.rng.choice(paths)
        client.request("page " + re.sub(r"/\d+", "/{id}", path.split("?")[0]), "GET", path)

    def offers_file(self):
        # The same few references again and again: the data stays bounded.
        self.imports += 1
        return [
            {
                "id": f"SOAK{self.n}X{(self.imports + i) % 12}",
                "intitule": "Cariste (H/F)",
                "romeCode": "N1101",
                "lieuTravail": {"commune": "93066", "codePostal": "93200"},
                "typeContrat": "MIS",
                "nombrePostes": 1 + self.imports % 3,
                "salaire": {"libelle": "Horaire de 12.50 Euros"},
                "dateCreation": "2026-12-01T08:00:00Z",
            }
            for i in range(3)
        ]

    def import_json(self):
        self.recruiter.request(
            "import (JSON, API)", "POST", f"/api/v1/offers?structure={self.siret}", self.offers_file(), auth="token"
        )

    def import_csv(self):
        rows = ["reference;intitule;code_rome;commune;type_contrat;nombre_postes;date_publication"]
        for offer in self.offers_file():
            rows.append(f"{offer['id']};Préparateur de commandes;N1103;93066;MIS;{offer['nombrePostes']};2026-12-01T08:00:00Z")
        rows.append("BAD;Sans métier;;93066;MIS;1;2026-12-01T08:00:00Z")
        boundary = "soak-boundary"
        body = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{self.recruiter.csrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"offres.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n" + "\n".join(rows) + f"\r\n--{boundary}--\r\n"
        )
        self.recruiter.request(
            "import (CSV, page)", "POST", "/offres/import", body, {"content-type": f"multipart/form-data; boundary={boundary}"}
        )


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


memory = [(0.0, rss_kib())]
start = time.monotonic()
deadline = start + minutes * 60
workers = [Worker(n, deadline) for n in range(clients)]
print(f"== {clients} clients for {minutes:g} min on {base}; server RSS at start {memory[0][1] / 1024:.1f} MiB", flush=True)
for w in workers:
    w.start()
next_print = start + 60
while any(w.is_alive() for w in workers):
    time.sleep(min(10, max(0.1, deadline - time.monotonic() + 0.1)))
    now = time.monotonic()
    memory.append((now - start, rss_kib()))
    if now >= next_print:
        next_print += 60
        with lock:
            done = sum(sum(c.values()) for c in statuses.values())
        print(f"   {int((now - start) // 60):3d} min: {done} requests, RSS {memory[-1][1] / 1024:.1f} MiB", flush=True)
    if now > deadline + 120:
        print("clients still busy two minutes after the end", flush=True)
        break
elapsed = time.monotonic() - start
memory.append((elapsed, rss_kib()))

total = sum(sum(c.values()) for c in statuses.values())
server_errors = sum(n for c in statuses.values() for s, n in c.items() if s == "no answer" or (isinstance(s, int) and s >= 500))
by_status = Counter()
for c in statuses.values():
    by_status.update(c)
print(f"\n== {total} requests in {elapsed:.0f} s ({total / elapsed:.1f}/s), {server_errors} server errors or unanswered")
print("statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(by_status.items(), key=lambda x: str(x[0]))))
print(f"{'kind':<22}{'requests':>9}  {'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}{'max ms':>8}  statuses")
everything = []
for kind in sorted(statuses):
    values = sorted(latencies[kind])
    everything.extend(values)
    shown = ", ".join(f"{s}: {n}" for s, n in sorted(statuses[kind].items(), key=lambda x: str(x[0])))
    print(
        f"{kind:<22}{len(values):>9}  {percentile(values, 50) * 1000:>8.1f}{percentile(values, 90) * 1000:>8.1f}"
        f"{percentile(values, 99) * 1000:>8.1f}{values[-1] * 1000:>8.1f}  {shown}"
    )
everything.sort()
print(
    f"{'all':<22}{len(everything):>9}  {percentile(everything, 50) * 1000:>8.1f}{percentile(everything, 90) * 1000:>8.1f}"
    f"{percentile(everything, 99) * 1000:>8.1f}{(everything[-1] if everything else 0) * 1000:>8.1f}"
)
rss = [kib for _, kib in memory if kib is not None]
if rss:
    print(
        f"server RSS: start {rss[0] / 1024:.1f} MiB, max {max(rss) / 1024:.1f} MiB, end {rss[-1] / 1024:.1f} MiB "
        f"({len(rss)} samples every 10 s)"
    )
else:
    print("server RSS: not readable (/proc)")
for kind, status, what in failures:
    print(f"server error: {kind}: {status}: {what}")
sys.exit(1 if server_errors else 0)
PY
