"""Scenario inputs: a path, a TOML string or a dict, plus overrides, as the simulator takes them."""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Mapping


def toml_literal(value: Any) -> str:
    """A TOML value for an override (`--set key=value` takes TOML)."""
    if hasattr(value, "item") and hasattr(value, "dtype"):  # a numpy scalar
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"{value} is not a TOML number a scenario can use")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {toml_literal(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} {value!r} as a TOML value")


def _key(k: str) -> str:
    return k if k.replace("_", "").replace("-", "").isalnum() else json.dumps(k)


def dump_toml(d: Mapping[str, Any]) -> str:
    """A scenario dict as TOML: tables for dicts of scalars, arrays of tables for lists of dicts
    (workload, fault, expect, hardware), inline tables below that (mix, keys, retry)."""
    lines: list[str] = []
    for k, v in d.items():  # top-level scalars first (unusual in a scenario, but legal)
        if not isinstance(v, Mapping) and not _is_table_array(v):
            lines.append(f"{_key(k)} = {toml_literal(v)}")
    for k, v in d.items():
        if isinstance(v, Mapping):
            lines.append(f"\n[{_key(k)}]")
            lines += [f"{_key(a)} = {toml_literal(b)}" for a, b in v.items()]
        elif _is_table_array(v):
            for item in v:
                lines.append(f"\n[[{_key(k)}]]")
                lines += [f"{_key(a)} = {toml_literal(b)}" for a, b in item.items()]
    return "\n".join(lines).lstrip("\n") + "\n"


def _is_table_array(v: Any) -> bool:
    return isinstance(v, (list, tuple)) and len(v) > 0 and all(isinstance(x, Mapping) for x in v)


def load(scenario: Any) -> tuple[str, str]:
    """(TOML text, name for error messages) from a path, a TOML string or a dict."""
    if isinstance(scenario, Mapping):
        return dump_toml(scenario), "<dict>"
    if isinstance(scenario, os.PathLike):
        return _read(Path(scenario))
    if isinstance(scenario, str):
        looks_like_path = "\n" not in scenario and "=" not in scenario and "[" not in scenario
        if looks_like_path:
            return _read(Path(scenario))
        return scenario, "<string>"
    raise TypeError("a scenario is a path, a TOML string or a dict, not "
                    f"{type(scenario).__name__}")


def _read(p: Path) -> tuple[str, str]:
    from . import ScenarioError

    try:
        return p.read_text(), str(p)
    except OSError as e:
        raise ScenarioError(f"{p}: cannot read the scenario file: {e.strerror}") from None


def overrides_list(overrides: Mapping[str, Any] | None) -> list[str]:
    """{"network.latency_us": 500, "fault[0].at_s": 3} -> ["network.latency_us=500", ...]."""
    if not overrides:
        return []
    return [f"{k}={toml_literal(v)}" for k, v in overrides.items()]
