"""Protocols written in Python: the node API's handlers, run by the simulation.

    class Echo(distlab.Protocol):
        def on_message(self, ctx, src, msg):
            if isinstance(msg, distlab.ClientRequest):
                ctx.reply(src, msg, value=msg.value)

    model = distlab.Model("echo", Echo, nodes=["server"])
    distlab.run(scenario_with_model_name_echo, models=[model])

Handlers run to completion and never block: ``ctx.send`` and ``ctx.set_timer`` take effect
in simulated time after the handler returns, as for a C++ protocol. Use ``ctx.random()`` and
``ctx.randint(n)`` (the node's deterministic stream), never Python's ``random`` module, and
``ctx.now()`` (the node's clock, in nanoseconds), never the wall clock: the same seed must give
the same run. Iterate ``sorted()`` sets: a set's order depends on the process's hash seed
(``PYTHONHASHSEED=0`` makes it the same in every process). ``ctx.send`` sends a copy (immutable
values and frozen dataclasses as they are). An exception in a handler stops the run and is raised as ``ProtocolError`` with
the node, its clock and the traceback.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence


class Protocol:
    """Base class of a Python node. One object per node, made anew after a crash and restart
    (volatile state is gone; ``ctx.storage`` survives). The simulation sets ``self.node`` (this
    node's id) and ``self.options`` (the model's options from the scenario) before on_start."""

    node: int = -1
    options: dict = {}

    def on_start(self, ctx) -> None:
        """The node starts."""

    def on_message(self, ctx, src: int, msg: Any) -> None:
        """A message arrived from node ``src``: a Python object another node sent, or a
        ``ClientRequest`` from a workload client (answer it with ``ctx.reply``)."""
        raise NotImplementedError(f"{type(self).__name__} must define on_message")

    def on_timer(self, ctx, timer_id: int) -> None:
        """A timer set with ``ctx.set_timer`` fired."""

    def on_recover(self, ctx) -> None:
        """Called instead of on_start after a crash and restart."""
        self.on_start(ctx)


class Model:
    """A model whose nodes run a Python Protocol; a scenario selects it by ``[model] name``.

    - ``nodes``: the server nodes' names (a list), a count (names ``{name}0`` ...), or a function
      of the options returning the list.
    - ``options``: the ``[model]`` keys the model takes, with defaults; their types come from the
      defaults, and any other key is an error naming file, line and key (as for C++ models).
    - ``variants``: allowed values of ``[model] variant`` (the first is the default).
    - ``route(req, last)``: the node a client's request goes to (``last``: the node that failed
      to answer before, or None); default: node 0.
    """

    def __init__(self, name: str, protocol: type, nodes: Sequence[str] | int | Callable = 1,
                 options: Mapping[str, Any] | None = None, variants: Sequence[str] = (),
                 route: Callable | None = None, description: str = ""):
        if not (isinstance(protocol, type) and issubclass(protocol, Protocol)):
            raise TypeError("protocol must be a subclass of distlab.Protocol")
        self.name = name
        self.protocol = protocol
        self.nodes = nodes
        self.options = dict(options or {})
        for k, v in self.options.items():
            if not isinstance(v, (bool, int, float, str)):
                raise TypeError(f"option {k!r}: a default is a bool, int, float or str (its type "
                                f"is the option's), not {type(v).__name__}")
        self.variants = list(variants)
        self.route = route
        self.description = description or f"Python model {protocol.__name__}"

    def node_names(self, options: Mapping[str, Any]) -> list[str]:
        n = self.nodes(dict(options)) if callable(self.nodes) else self.nodes
        if isinstance(n, int):
            return [f"{self.name}{i}" for i in range(n)]
        return [str(x) for x in n]

    def router(self, options: Mapping[str, Any]) -> Callable | None:
        """The route function for these options (default: ``route``)."""
        return self.route

    def fingerprint(self) -> str:
        """What identifies the model's code for a sweep's cache: the compiled code of the
        protocol class (its bases too), of the model's own methods and of route, and of every
        function, class and constant they use from their modules (followed recursively), so
        that editing any of them, in a file or in a notebook cell, gives a new key."""
        import hashlib

        h = hashlib.sha256()
        h.update(repr((self.name, repr(self.nodes) if not callable(self.nodes) else "",
                       sorted(self.options.items()), self.variants)).encode())
        _digest(h, [self.protocol, type(self), self.route,
                    self.nodes if callable(self.nodes) else None], set())
        return h.hexdigest()


def _digest(h, objs, seen: set) -> None:
    import marshal
    import types

    for obj in objs:
        if obj is None or id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, type):
            import builtins

            if obj in (Protocol, Model) or getattr(builtins, obj.__qualname__, None) is obj:
                continue
            h.update(obj.__qualname__.encode())
            _digest(h, list(obj.__bases__) + [v for _, v in sorted(vars(obj).items())], seen)
        elif isinstance(obj, (staticmethod, classmethod)):
            _digest(h, [obj.__func__], seen)
        elif isinstance(obj, property):
            _digest(h, [obj.fget, obj.fset], seen)
        elif isinstance(obj, types.FunctionType):
            h.update(marshal.dumps(obj.__code__))
            h.update(repr(obj.__defaults__).encode())
            used = [obj.__globals__.get(n) for n in _names(obj.__code__)]
            for cell in obj.__closure__ or ():
                try:
                    used.append(cell.cell_contents)
                except ValueError:
                    pass
            for u in used:
                if isinstance(u, (bool, int, float, str, bytes, tuple, frozenset)):
                    h.update(repr(u).encode())
            _digest(h, [u for u in used if isinstance(u, (type, types.FunctionType))], seen)
        elif callable(obj) and not isinstance(obj, types.BuiltinFunctionType):
            _digest(h, [type(obj)], seen)  # a callable object: its class


def _names(code) -> list[str]:
    out = list(code.co_names)
    for c in code.co_consts:
        if hasattr(c, "co_names"):
            out += _names(c)
    return out
