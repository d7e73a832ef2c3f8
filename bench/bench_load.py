"""Load test (not in the suite): 200 simulated desks upload concurrently to a hub on loopback.

    PYTHONPATH=. .venv/bin/python bench/bench_load.py [--desks 200] [--batches 3] [--changes 20]
        [--hub sqlite|postgresql] [--pg URL] [--workers N] [--no-compare]

The hub runs as its own process (``python -m province serve``), exactly as deployed. Each simulated
desk has its own device key and unit, is enrolled, and sends ``--batches`` signed, encrypted batches
(real ``desktop.sync.batch.build``; dossier rows shaped like a real desk export) in order over HTTP
through the desk's own upload code (``desktop.sync.push._upload``, with back-off). Some desks upload a
batch twice, and every desk's last batch updates a dossier from its first (version 2). Bounded: a
fixed amount of work and a global deadline; it stops the hub itself.

The desks ask for an asynchronous answer (``Prefer: respond-async``, issue 14), so the latency measured is
the push acknowledgement (verified and stored); the bench then waits (bounded) until the hub's
apply-workers have applied every stored batch. Checks at the end: the hub's dossier table is exactly the union of the desks' records (no loss, no
duplicate, each at its newest version), every upload got a receipt and a repeat got the same bytes, and
the report aggregates equal the raw rows (``aggregates check``).
Prints throughput (batches/s, changes/s) and p50/p95 request latency.
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

# The province key is always encrypted; benchmarks use a throw-away passphrase of their own.
os.environ.setdefault("MOTCUA_HUB_KEY_PASSPHRASE", "bench-only-passphrase")

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def dossier_template(work: Path) -> dict[str, Any]:
    """One real dossier snapshot from a real desk, used as the shape of every simulated row."""
    os.environ["MOTCUA_DATA_DIR"] = str(work / "desk-data")
    from desktop.platform import clock
    from desktop.db.session import open_database
    from desktop.services import catalog, desk, dossiers
    from desktop.sync import tables

    db = open_database(work / "template.sqlite3")
    with db.transaction(officer="bench") as session:
        desk.initialise_desk(session, unit_code="10375", unit_name="UBND xã Tân Lập", agency_id="000.00.23.H49")
        catalog.import_starter(session)
        made = dossiers.receive(session, dossiers.Reception(
            procedure_code="2.000815", applicant=dossiers.Applicant(name="Nguyễn Văn Mẫu"),
            at=datetime(2026, 11, 16, 8, 0, tzinfo=clock.VN_TZ)))
        table = tables.synced_tables()["dossier"]
        from sqlalchemy import select

        row = session.execute(select(table).where(table.c.code == made.code)).mappings().one()
        snap = tables.snapshot(table, row)
    db.dispose()
    from desktop.sync import canonical

    return canonical.loads(canonical.dumps(snap))  # as it travels: ISO strings


class Desk:
    def __init__(self, index: int, template: dict[str, Any], batches: int, per_batch: int, recipients: Any) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self.index = index
        self.unit = f"2{index:04d}"
        self.device = str(uuid.uuid4())
        self.epoch = str(uuid.uuid4())
        self.key = Ed25519PrivateKey.generate()
        self.files: list[tuple[str, bytes]] = []
        self.expected: dict[str, tuple[int, str]] = {}  # record id -> (version, applicant name)
        seq = 0
        first_ids: list[str] = []
        previous = None
        for b in range(batches):
            changes = []
            for n in range(per_batch):
                seq += 1
                rid = str(uuid.uuid4())
                name = f"Người nộp {index}-{b}-{n}"
                changes.append(self._change(template, rid, seq, 1, name, f"{self.unit}-{b:02d}{n:04d}"))
                self.expected[rid] = (1, name)
                if b == 0:
                    first_ids.append(rid)
            if b == batches - 1 and first_ids:  # an edit of an earlier record travels later
                seq += 1
                rid = first_ids[0]
                name = f"Người nộp {index}-sửa"
                changes.append(self._change(template, rid, seq, 2, name, f"{self.unit}-{0:02d}{0:04d}"))
                self.expected[rid] = (2, name)
            data = self._build(changes, seq - len(changes) + 1, seq, previous, recipients)
            from desktop.sync import batch, canonical

            header = batch.read_header(data).header
            previous = {"batch_id": header["batch_id"], "sha256": canonical.sha256(data)}
            self.files.append((header["batch_id"], data))

    def _change(self, template: dict[str, Any], rid: str, seq: int, version: int, name: str, code: str) -> dict[str, Any]:
        row = copy.deepcopy(template)
        row.update(id=rid, owner_unit=self.unit, version=version, applicant_name=name, code=code,
                   search_text=name.lower())
        return {"change_id": f"{self.epoch}:{seq}", "seq": seq, "epoch": self.epoch, "table": "dossier",
                "record_id": rid, "op": "upsert", "version": version, "row": row, "officer": "bench",
                "device_time": row.get("updated_at") or "2026-11-16T08:00:00+07:00"}

    def _build(self, changes: list[dict[str, Any]], lo: int, hi: int, previous: Any, recipients: Any) -> bytes:
        from desktop import __version__
        from desktop.platform import clock
        from desktop.db.session import known_heads
        from desktop.sync import batch, identity

        spec = batch.BatchSpec(batch_id=str(uuid.uuid4()), device_id=self.device, unit_code=self.unit,
                               epoch=self.epoch, seq_from=lo, seq_to=hi,
                               created_at=datetime(2026, 11, 16, 9, 0, tzinfo=clock.VN_TZ) + timedelta(seconds=hi),
                               app_version=__version__, schema_version="+".join(sorted(known_heads())),
                               previous_batch=previous, ranges={self.epoch: [lo, hi]}, epoch_start=1)
        data, _ = batch.build(spec, changes, signing_key=self.key,
                              device_cert=identity.certificate(self.device, self.unit, self.key),
                              recipients=recipients)
        return data

    def enrolment(self) -> dict[str, Any]:
        from desktop import __version__
        from desktop.sync import canonical, container, identity
        from desktop.sync.keys import ENROLMENT_FORMAT

        body = {"format": ENROLMENT_FORMAT, "format_version": 1, "device_id": self.device, "unit_code": self.unit,
                "unit_name": f"UBND xã Thử {self.index}", "public_key": identity.public_key_b64(self.key),
                "kid": container.key_id(container.raw_public(self.key.public_key())), "app_version": __version__,
                "created_at": "2026-11-16T08:00:00+07:00"}
        return {"request": body, "signature": container.b64(self.key.sign(canonical.dumps(body)))}


_SLICES: dict[str, Any] = {}  # set before the desk processes fork


def _desk_slice(index: int) -> dict[str, Any]:
    """One desk process: its share of the desks, one thread each, through the desk's own upload code."""
    from desktop.sync.push import Backoff, _upload

    state = _SLICES
    policy = Backoff(attempts=8, base_delay=0.2, max_delay=5, max_seconds=120, timeout=120)
    cancel = threading.Event()
    lock = threading.Lock()
    out: dict[str, Any] = {"latencies": [], "receipts": {}, "problems": [], "statuses": {}}

    def run_desk(job: tuple[httpx.Client, list[tuple[str, bytes]]]) -> None:
        client, plan = job
        with client:
            for batch_id, data in plan:
                if time.monotonic() > state["deadline"]:
                    with lock:
                        out["problems"].append(f"deadline before {batch_id}")
                    return
                started = time.perf_counter()
                try:
                    body, headers, _n = _upload(client, state["base"], batch_id, data, state["bundle"], policy, cancel,
                                                None, respond_async=True)
                except Exception as exc:  # noqa: BLE001 — counted and reported
                    with lock:
                        out["problems"].append(f"{batch_id}: {exc}")
                    continue
                elapsed = time.perf_counter() - started
                status = headers.get("x-import-status", "")
                key = (batch_id, "queued" if status == "queued" else "final")
                with lock:
                    out["latencies"].append(elapsed)
                    out["statuses"][status] = out["statuses"].get(status, 0) + 1
                    if key in out["receipts"] and out["receipts"][key] != body:
                        out["problems"].append(f"{batch_id}: a repeat got a different receipt for the same state")
                    out["receipts"][key] = body

    mine = state["plans"][index::state["processes"]]
    # Each desk's HTTP client made before the clock (an httpx client loads the CA bundle: ~30 ms of CPU each,
    # which 200 desks on separate machines would not take from the hub's cores); the measure is the push.
    jobs = [(httpx.Client(timeout=policy.timeout), plan) for plan in mine]
    state["ready"].wait()
    cpu = time.process_time()
    with ThreadPoolExecutor(max_workers=max(1, len(mine))) as pool:
        list(pool.map(run_desk, jobs))
    out["cpu"] = time.process_time() - cpu
    return out


def _desk_process(index: int, results: Any) -> None:
    results.put(_desk_slice(index))


def _tree_cpu(root: int) -> tuple[float, float]:
    """CPU seconds so far of the hub's processes (Linux ``/proc``): (HTTP processes, apply-workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    http = apply = 0.0
    for pid in cpu:
        ancestor = pid
        while ancestor not in (root, 0, 1) and ancestor in parents:
            ancestor = parents[ancestor]
        if ancestor != root:
            continue
        try:
            worker = b"apply-worker" in (Path("/proc") / str(pid) / "cmdline").read_bytes()
        except OSError:
            worker = False
        if worker:
            apply += cpu[pid]
        else:
            http += cpu[pid]
    return http, apply


def _postgres_cpu() -> float:
    """CPU seconds so far of every PostgreSQL process on this machine (Linux ``/proc``; the backends of the
    hub's connections are the postgres server's children, not the hub's): 0.0 where unreadable."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name, fields = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        if name.endswith("(postgres"):
            parts = fields.split()
            total += (int(parts[11]) + int(parts[12])) / tick
    return total


def _wait_applied(url_db: str, hub_dir: Path, expected: int, deadline: float) -> float:
    """Seconds until the hub has applied ``expected`` batches and holds none queued (bounded by the run's
    deadline; what is missing then is reported by the checks)."""
    from sqlalchemy import func, select

    from province.db import open_hub
    from province.models import HubBatch, HubIntake

    started = time.perf_counter()
    hub = open_hub(url_db, data_dir=hub_dir)
    try:
        while time.monotonic() < deadline:
            with hub.reading() as session:
                applied = session.scalar(select(func.count()).select_from(HubBatch))
                queued = session.scalar(select(func.count()).select_from(HubIntake).where(HubIntake.state == "queued"))
            if applied >= expected and not queued:
                break
            time.sleep(0.1)
    finally:
        hub.dispose()
    return time.perf_counter() - started


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--desks", type=int, default=200)
    ap.add_argument("--batches", type=int, default=3)
    ap.add_argument("--changes", type=int, default=20, help="new dossiers per batch")
    ap.add_argument("--duplicates", type=float, default=0.25, help="share of desks that upload a batch twice")
    ap.add_argument("--deadline", type=float, default=600, help="seconds; the run stops by itself after this")
    ap.add_argument("--hub", choices=["sqlite", "postgresql"], default="sqlite", help="the hub's database")
    ap.add_argument("--pg", help="PostgreSQL URL (default: $MOTCUA_PG_URL); implies --hub postgresql")
    ap.add_argument("--workers", type=int, default=1, help="hub server processes (PostgreSQL only)")
    ap.add_argument("--desk-processes", type=int, default=4,
                    help="processes the simulated desks run in (threads within each; the machine's CPU is shared)")
    ap.add_argument("--no-compare", action="store_true",
                    help="with PostgreSQL: do not also run the same load on SQLite for the ratio")
    args = ap.parse_args()
    pg = args.pg or (os.environ.get("MOTCUA_PG_URL") if args.hub == "postgresql" else None)
    if args.hub == "postgresql" and not pg:
        raise SystemExit("--hub postgresql needs --pg URL or MOTCUA_PG_URL")
    result = run_load(args, pg, workers=args.workers)
    if pg and not args.no_compare:
        print("--- the same load on a SQLite hub, for the ratio ---")
        base = run_load(args, None, workers=1)
        print(f"ratio PostgreSQL/SQLite: throughput {result['rps'] / base['rps']:.2f}×, "
              f"p95 {result['p95'] / base['p95']:.2f}× (PostgreSQL p95 {result['p95'] * 1000:.0f} ms, "
              f"SQLite p95 {base['p95'] * 1000:.0f} ms)")
        return 0 if result["ok"] and base["ok"] else 1
    return 0 if result["ok"] else 1


def run_load(args: argparse.Namespace, pg: str | None, *, workers: int) -> dict[str, Any]:
    random.seed(7)
    work = Path(tempfile.mkdtemp(prefix="motcua-load-"))
    hub_dir = work / "hub"
    schema = None
    if pg:  # a private schema in the shared database, dropped at the end
        from tests.sync_support import pg_schema_url

        url_db, schema = pg_schema_url(pg)
    else:
        url_db = f"sqlite:///{hub_dir / 'hub.sqlite3'}"
    from desktop.sync import canonical
    from desktop.sync.keys import recipients
    from province.db import open_hub
    from province.devices import enrol
    from province.keys import init_keys
    from tests.net.conftest import free_port, stop_hub

    t0 = time.perf_counter()
    template = dossier_template(work)
    hub = open_hub(url_db, data_dir=hub_dir)
    bundle = init_keys(hub, name="UBND tỉnh Tải Thử", keys_out=hub_dir / "public")
    desks = [Desk(i, template, args.batches, args.changes, recipients(bundle)) for i in range(args.desks)]
    for d in desks:
        request = work / f"enrol-{d.index}.json"
        request.write_bytes(canonical.dumps(d.enrolment()))
        enrol(hub, request)
    hub.dispose()
    prepared = time.perf_counter() - t0
    print(f"prepared {len(desks)} desks × {args.batches} batches in {prepared:.1f} s")

    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_before = before.ru_utime + before.ru_stime
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    log_file = (work / "hub.log").open("wb")  # a file, not a pipe nobody reads (a full pipe stalls the hub)
    server = subprocess.Popen([sys.executable, "-m", "province", "--db-url", url_db, "--data-dir", str(hub_dir),
                               "serve", "--host", "127.0.0.1", "--port", str(port),
                               *(["--workers", str(workers)] if workers > 1 else [])],
                              env=env, stdout=subprocess.DEVNULL, stderr=log_file)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise SystemExit("hub did not start")
        deadline = time.monotonic() + args.deadline
        plans = []
        for desk in desks:
            plan = list(desk.files)
            if random.random() < args.duplicates:
                plan.append(random.choice(desk.files))  # the same batch again (stick and network, or a retry)
            plans.append(plan)
        import multiprocessing

        # The simulated desks in a few forked processes (they inherit the built batches), threads within.
        ctx = multiprocessing.get_context("fork")
        ready = ctx.Barrier(args.desk_processes + 1)
        results = ctx.Queue()
        _SLICES.update(plans=plans, base=base, bundle=bundle, deadline=deadline, processes=args.desk_processes,
                       ready=ready)
        children = [ctx.Process(target=_desk_process, args=(i, results)) for i in range(args.desk_processes)]
        for child in children:
            child.start()
        ready.wait(timeout=300)  # every desk's client made: the clock starts
        t1 = time.perf_counter()
        hub_cpu1, pg_cpu1 = _tree_cpu(server.pid), _postgres_cpu()
        parts = [results.get(timeout=args.deadline + 120) for _ in children]
        for child in children:
            child.join(timeout=60)
        latencies = [x for part in parts for x in part["latencies"]]
        receipts = {k: v for part in parts for k, v in part["receipts"].items()}
        problems = [x for part in parts for x in part["problems"]]
        statuses: dict[str, int] = {}
        for part in parts:
            for state, n in part["statuses"].items():
                statuses[state] = statuses.get(state, 0) + n
        client_cpu = sum(part["cpu"] for part in parts)
        wall = time.perf_counter() - t1
        hub_cpu2, pg_cpu = _tree_cpu(server.pid), _postgres_cpu() - pg_cpu1
        ack_cpu, apply_cpu = hub_cpu2[0] - hub_cpu1[0], hub_cpu2[1] - hub_cpu1[1]
        applied_after = _wait_applied(url_db, hub_dir, sum(len(d.files) for d in desks), deadline)
        print(f"answers: {statuses}; every stored batch applied {applied_after:.1f} s after the last push "
              f"(the apply-workers, at lower CPU priority)")
    finally:
        stop_hub(server, seconds=20)
        log_file.close()
    import resource

    server_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu_s = server_cpu.ru_utime + server_cpu.ru_stime - children_before - client_cpu  # desks reaped too
    log_text = (work / "hub.log").read_text(encoding="utf-8", errors="replace")
    print(f"hub log: {log_text.count('QueuePool limit')} pool-exhausted errors, "
          f"{log_text.count('Traceback')} tracebacks ({work / 'hub.log'})")

    hub = open_hub(url_db, data_dir=hub_dir)
    from sqlalchemy import func, select

    from province.models import HubBatch
    from province.schema import DATA_TABLES

    table = DATA_TABLES["dossier"]
    with hub.engine.connect() as conn:
        rows = conn.execute(select(table.c.id, table.c.version, table.c.applicant_name)).all()
        batches_stored = conn.scalar(select(func.count()).select_from(HubBatch.__table__))
    from province import report_counts

    with hub.reading() as session:  # issue 14: every import, however concurrent, kept them equal to the rows
        aggregate_differences = report_counts.check(session)
    hub.dispose()
    if schema:
        from tests.sync_support import drop_pg_schema

        drop_pg_schema(pg, schema)
    print(f"hub database: {'PostgreSQL' if pg else 'SQLite'} ({workers} server process(es))")
    expected: dict[str, tuple[int, str]] = {}
    for d in desks:
        expected.update(d.expected)
    found = {r.id: (r.version, r.applicant_name) for r in rows}
    uploads = len(latencies)
    distinct = len({batch_id for batch_id, _state in receipts})
    changes_sent = sum(args.changes * args.batches + 1 for _ in desks)
    print(f"uploads: {uploads} requests ({distinct} distinct batches, {batches_stored} stored) in {wall:.1f} s")
    print(f"throughput: {uploads / wall:.1f} requests/s, {changes_sent / wall:.0f} changes/s")
    if uploads:
        print(f"CPU: hub processes {server_cpu_s:.1f} s ({server_cpu_s / uploads * 1000:.0f} ms/request), "
              f"simulated desks {client_cpu:.1f} s ({client_cpu / uploads * 1000:.0f} ms/request), "
              f"machine load {os.getloadavg()[0]:.1f}")
        print(f"CPU while the pushes ran: HTTP processes {ack_cpu:.1f} s ({ack_cpu / uploads * 1000:.1f} ms/request), "
              f"apply-workers {apply_cpu:.1f} s")
        if pg:
            print(f"PostgreSQL processes while the pushes ran (every backend: acknowledgements and apply-workers): "
                  f"{pg_cpu:.1f} s ({pg_cpu / uploads * 1000:.1f} ms/request)")
    p95 = float("inf")
    if latencies:
        ordered = sorted(latencies)
        p95 = ordered[max(0, int(0.95 * len(ordered)) - 1)]
        print(f"latency: p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
              f"max {ordered[-1] * 1000:.0f} ms")
    ok = True
    if len(rows) != len(found):
        print("FAIL: duplicate dossier ids at the hub")
        ok = False
    if found != expected:
        missing = set(expected) - set(found)
        extra = set(found) - set(expected)
        wrong = {k for k in set(found) & set(expected) if found[k] != expected[k]}
        print(f"FAIL: hub != union of desks (missing {len(missing)}, extra {len(extra)}, wrong version {len(wrong)})")
        ok = False
    if batches_stored != sum(len(d.files) for d in desks):
        print(f"FAIL: {batches_stored} batches stored, expected {sum(len(d.files) for d in desks)}")
        ok = False
    if aggregate_differences:
        print(f"FAIL: report aggregates differ from the raw rows: {aggregate_differences[0].message}")
        ok = False
    else:
        print("report aggregates: equal to the raw rows (province.report_counts.check)")
    for problem in problems[:10]:
        print("problem:", problem)
    ok = ok and not problems
    if ok and p95 > 1.0:
        print(f"NOTE: p95 {p95 * 1000:.0f} ms is over the 1 s goal")
    print("RESULT:", "OK — exactly the union of the desks' changes, no loss, no duplicates" if ok else "FAILED")
    return {"ok": ok, "rps": uploads / wall if wall else 0.0, "p95": p95}


if __name__ == "__main__":
    raise SystemExit(main())
