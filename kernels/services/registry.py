"""The kernel-service registry: plain handler functions grouped by subsystem, checked when the
registry is built (at import): every table entry must be a function taking the kernel context
and at most eight integer arguments (plus ``varargs`` for variadic services), and no symbol may
be claimed twice."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from kernels.errors import ServiceError
from kernels.services.convention import AAPCS64


@dataclass(frozen=True)
class Service:
    """A kernel function emulated in Python: ``handler(kernel, *args[, varargs])``."""

    symbol: str
    subsystem: str
    handler: Callable
    nargs: int
    variadic: bool


@dataclass(frozen=True)
class DataSymbol:
    """A kernel variable a module references: ``size`` bytes (or the size of the named BTF
    type) in guest memory, filled by ``init(kernel, addr)`` (None: left zeroed)."""

    symbol: str
    subsystem: str
    size: int | str
    init: Callable | None = None


@dataclass(frozen=True)
class Registry:
    functions: Mapping[str, Service]
    data: Mapping[str, DataSymbol]

    def covers(self, symbol: str) -> bool:
        return symbol in self.functions or symbol in self.data

    def subsystem(self, symbol: str) -> str | None:
        entry = self.functions.get(symbol) or self.data.get(symbol)
        return entry.subsystem if entry else None


def _service(symbol: str, subsystem: str, handler) -> Service:
    where = f"kernel service {symbol!r} ({subsystem})"
    if not inspect.isfunction(handler):
        raise ServiceError(f"{where}: handler {handler!r} is not a function")
    params = list(inspect.signature(handler).parameters.values())
    if not params or params[0].name != "kernel":
        raise ServiceError(f"{where}: handler {handler.__name__} must take `kernel` first")
    variadic = params[-1].name == "varargs"
    fixed = params[1:-1] if variadic else params[1:]
    if any(p.kind is not p.POSITIONAL_OR_KEYWORD or p.default is not p.empty for p in fixed):
        raise ServiceError(f"{where}: handler {handler.__name__} must take plain positional "
                           f"integer arguments")
    if len(fixed) > len(AAPCS64.args):
        raise ServiceError(f"{where}: {len(fixed)} arguments, more than the "
                           f"{len(AAPCS64.args)} argument registers")
    return Service(symbol, subsystem, handler, len(fixed), variadic)


def build(subsystems: tuple[str, ...], package: str) -> Registry:
    """Import ``package.<subsystem>`` for each name and collect its FUNCTIONS and DATA tables."""
    functions: dict[str, Service] = {}
    data: dict[str, DataSymbol] = {}
    for name in subsystems:
        module = importlib.import_module(f"{package}.{name}")
        for symbol, handler in getattr(module, "FUNCTIONS", {}).items():
            if symbol in functions or symbol in data:
                raise ServiceError(f"kernel service {symbol!r} claimed by both "
                                   f"{(functions.get(symbol) or data[symbol]).subsystem} and "
                                   f"{name}")
            functions[symbol] = _service(symbol, name, handler)
        for symbol, (size, init) in getattr(module, "DATA", {}).items():
            if symbol in functions or symbol in data:
                raise ServiceError(f"kernel symbol {symbol!r} claimed twice ({name})")
            if not isinstance(size, (int, str)):
                raise ServiceError(f"kernel data {symbol!r} ({name}): size must be bytes or a "
                                   f"BTF type name")
            if init is not None and not inspect.isfunction(init):
                raise ServiceError(f"kernel data {symbol!r} ({name}): initializer is not a "
                                   f"function")
            data[symbol] = DataSymbol(symbol, name, size, init)
    return Registry(MappingProxyType(functions), MappingProxyType(data))
