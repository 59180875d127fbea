"""Protocols written in Python, as a student would write them.

``pbkv``: synchronous primary-backup replication of a key/value store, the same protocol as the
C++ ``kv`` model's ``primary-backup`` variant with ``durable = false`` (models/kv): the primary
orders every write, sends it to every backup and answers the client once every backup has
applied it; reads go to the primary. Variant ``backup-reads`` reads at a random backup instead,
which is not linearizable when messages are delayed (the checker catches it).

    import distlab
    from distlab.examples import pbkv
    r = distlab.run(scenario_naming_model_pbkv, models=[pbkv])
"""
from __future__ import annotations

from dataclasses import dataclass

from .protocol import Model, Protocol

RESEND_EVERY_NS = 50_000_000  # unacknowledged writes go to the backups again (lost messages)


@dataclass(frozen=True)
class Replicate:
    seq: int
    key: int
    value: int
    value_bytes: int

    def size_bytes(self) -> int:  # as the C++ model's message
        return 40 + self.value_bytes


@dataclass(frozen=True)
class Ack:
    applied: int  # every write up to this sequence number is applied

    def size_bytes(self) -> int:
        return 24


class Primary(Protocol):
    def on_start(self, ctx):
        self.backups = [p for p in ctx.peers if p != ctx.self]
        self.store: dict[int, int] = {}
        self.applied_ops: set[int] = set()
        self.next_seq = 0
        self.acked = {b: 0 for b in self.backups}
        self.log: dict[int, tuple[Replicate, int | None, int]] = {}  # seq -> (write, client, op)
        ctx.set_timer(RESEND_EVERY_NS)

    def on_message(self, ctx, src, msg):
        if isinstance(msg, Ack):
            self.acked[src] = max(self.acked[src], msg.applied)
            self.complete(ctx)
            return
        req = msg
        if req.kind == "read":
            ctx.reply(src, req, value=self.store.get(req.key, 0))
            return
        if req.op_id in self.applied_ops:  # a retry of a write already ordered
            for seq, (rep, client, op) in self.log.items():
                if op == req.op_id:
                    self.log[seq] = (rep, src, op)
                    return
            ctx.reply(src, req, value=req.value)
            return
        self.applied_ops.add(req.op_id)
        self.next_seq += 1
        rep = Replicate(self.next_seq, req.key, req.value, req.value_bytes)
        self.store[req.key] = req.value
        self.log[rep.seq] = (rep, src, req.op_id)
        for b in self.backups:
            ctx.send(b, rep)
        if not self.backups:
            self.complete(ctx)

    def on_timer(self, ctx, timer_id):
        for b in self.backups:
            for seq in sorted(self.log):
                if seq > self.acked[b]:
                    ctx.send(b, self.log[seq][0])
        ctx.set_timer(RESEND_EVERY_NS)

    def complete(self, ctx):
        done = min(self.acked.values()) if self.backups else self.next_seq
        for seq in sorted(s for s in self.log if s <= done):
            rep, client, op = self.log.pop(seq)
            if client is not None:
                ctx.send(client, _ok(op, rep.value))


def _ok(op_id: int, value: int):
    from ._core import ClientReply

    return ClientReply(op_id=op_id, value=value)


class Backup(Protocol):
    def on_start(self, ctx):
        self.store: dict[int, int] = {}
        self.applied = 0
        self.pending: dict[int, Replicate] = {}

    def on_message(self, ctx, src, msg):
        if isinstance(msg, Replicate):
            if msg.seq > self.applied:
                self.pending[msg.seq] = msg
            while self.applied + 1 in self.pending:  # in order, whatever the network did
                rep = self.pending.pop(self.applied + 1)
                self.store[rep.key] = rep.value
                self.applied = rep.seq
            ctx.send(src, Ack(self.applied))
            return
        req = msg
        if req.kind != "read":
            ctx.redirect(src, req, where=0)
            return
        ctx.reply(src, req, value=self.store.get(req.key, 0))


def _node(protocol_for_id):
    class Node(Protocol):
        """Primary (node 0) or backup, by id."""

        def on_start(self, ctx):
            self.impl = protocol_for_id(self.node)
            self.impl.node, self.impl.options = self.node, self.options
            self.impl.on_start(ctx)

        def on_message(self, ctx, src, msg):
            self.impl.on_message(ctx, src, msg)

        def on_timer(self, ctx, timer_id):
            self.impl.on_timer(ctx, timer_id)

    return Node


class _BackupReads:
    """Reads at a backup picked from the request (deterministic), writes at the primary."""

    def __init__(self, backups: int):
        self.backups = backups

    def __call__(self, req, last):
        if req.kind != "read":
            return 0
        return 1 + (req.op_id + req.attempt) % self.backups


class _PbkvModel(Model):
    def node_names(self, options):
        return ["primary"] + [f"backup{i + 1}" for i in range(int(options["backups"]))]

    def router(self, options):
        if options["variant"] == "backup-reads" and options["backups"] > 0:
            return _BackupReads(int(options["backups"]))
        return None  # everything to the primary (node 0)


pbkv = _PbkvModel(
    "pbkv", _node(lambda i: Primary() if i == 0 else Backup()),
    options={"backups": 2}, variants=["primary-backup", "backup-reads"],
    description="primary-backup key/value store written in Python (distlab.examples)")
