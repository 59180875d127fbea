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
the same run. An exception in a handler stops the run and is raised as ``ProtocolError`` with
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
        """What identifies the model's code for a sweep's cache."""
        import hashlib
        import inspect

        parts = [self.name, repr(self.nodes), repr(sorted(self.options.items())),
                 repr(self.variants)]
        for obj in (self.protocol, self.route):
            try:
                parts.append(inspect.getsource(obj) if obj is not None else "")
            except (OSError, TypeError):
                parts.append(repr(obj))
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()
