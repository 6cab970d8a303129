"""Printing: _printk and the dev_* family, rendered from the guest's format string by
kernels.format and logged with the emulated timestamp and the message's level."""

from __future__ import annotations

import struct

from kernels.errno import EPROBE_DEFER, ERRNO_NAMES
from kernels.format import render
from kernels.services.convention import VarArgs
from kernels.services.kernel import Kernel, LogRecord

KERN_SOH = 0x01  # include/linux/kern_levels.h: "\001" + level digit prefixes a message
DEFAULT_LEVEL = 4  # CONFIG_MESSAGE_LOGLEVEL_DEFAULT (Kconfig default 4, kept by Debian)
LOGLEVEL = {"emerg": 0, "alert": 1, "crit": 2, "err": 3, "warn": 4, "notice": 5, "info": 6,
            "debug": 7}


def split_level(fmt: bytes, default: int = DEFAULT_LEVEL) -> tuple[int, bytes]:
    """Strip KERN_<LEVEL> / KERN_CONT prefixes: (level, rest)."""
    level = default
    while len(fmt) >= 2 and fmt[0] == KERN_SOH:
        if 0x30 <= fmt[1] <= 0x37:
            level = fmt[1] - 0x30
        fmt = fmt[2:]
    return level, fmt


def log(kernel: Kernel, level: int, text: str) -> int:
    kernel.log.append(LogRecord(kernel.now_ns(), level, text.rstrip("\n")))
    return len(text)


def _message(kernel: Kernel, fmt: int, args, default: int = DEFAULT_LEVEL) -> tuple[int, str]:
    level, body = split_level(kernel.cstring(fmt, 1 << 16), default)
    return level, render(body, args, kernel)


def _pointer(kernel: Kernel, addr: int, type_name: str, path: str) -> int:
    return struct.unpack("<Q", kernel.read(addr + kernel.offset(type_name, path), 8))[0]


def dev_prefix(kernel: Kernel, dev: int) -> str:
    """``"<driver> <device>: "`` as dev_printk prints it (dev_driver_string + dev_name)."""
    if dev == 0:
        return "(NULL device *): "
    name_ptr = _pointer(kernel, dev, "device", "init_name") or \
        _pointer(kernel, dev, "device", "kobj.name")
    name = kernel.cstring(name_ptr).decode("latin-1") if name_ptr else "(null)"  # "%s" of NULL
    driver = _pointer(kernel, dev, "device", "driver")
    bus = _pointer(kernel, dev, "device", "bus")
    owner = (driver, "device_driver") if driver else (bus, "bus_type") if bus else (0, "")
    label = ""
    if owner[0]:
        label_ptr = _pointer(kernel, owner[0], owner[1], "name")
        label = kernel.cstring(label_ptr).decode("latin-1") if label_ptr else ""
    return f"{label} {name}: "


def _printk(kernel: Kernel, fmt: int, varargs: VarArgs) -> int:
    level, text = _message(kernel, fmt, varargs)
    return log(kernel, level, text)


def _dev_message(kernel: Kernel, level: int, dev: int, fmt: int, args) -> None:
    text = render(split_level(kernel.cstring(fmt, 1 << 16))[1], args, kernel)
    log(kernel, level, dev_prefix(kernel, dev) + text)


def _dev_emerg(kernel: Kernel, dev: int, fmt: int, varargs: VarArgs) -> None:
    _dev_message(kernel, LOGLEVEL["emerg"], dev, fmt, varargs)


def _dev_alert(kernel: Kernel, dev: int, fmt: int, varargs: VarArgs) -> None:
    _dev_message(kernel, LOGLEVEL["alert"], dev, fmt, varargs)


def _dev_crit(kernel: Kernel, dev: int, fmt: int, varargs: VarArgs) -> None:
    _dev_message(kernel, LOGLEVEL["crit"], dev, fmt, varargs)


def _dev_err(kernel: Kernel, dev: int, fmt: int, varargs: VarArgs) -> None:
    _dev_message(kernel, LOGLEVEL["err"], dev, fmt, varargs)


def _dev_warn(kernel: Kernel, dev: int, fmt: int, varargs: VarArgs) -> None:
    _dev_message(kernel, LOGLEVEL["warn"], dev, fmt, varargs)


def _dev_notice(kernel: Kernel, dev: int, fmt: int, varargs: VarArgs) -> None:
    _dev_message(kernel, LOGLEVEL["notice"], dev, fmt, varargs)


def _dev_info(kernel: Kernel, dev: int, fmt: int, varargs: VarArgs) -> None:
    _dev_message(kernel, LOGLEVEL["info"], dev, fmt, varargs)


def _dev_printk(kernel: Kernel, level: int, dev: int, fmt: int, varargs: VarArgs) -> None:
    """``level`` points at a KERN_<LEVEL> string."""
    _dev_message(kernel, split_level(kernel.cstring(level, 2))[0], dev, fmt, varargs)


def dev_err_probe(kernel: Kernel, dev: int, err: int, fmt: int, varargs: VarArgs) -> int:
    """Logs ``error <errno>: <message>`` (at debug level for -EPROBE_DEFER); returns err."""
    code = -((err & 0xFFFFFFFF) - (1 << 32)) if err & 0x80000000 else err & 0xFFFFFFFF
    text = render(split_level(kernel.cstring(fmt, 1 << 16))[1], varargs, kernel)
    name = f"-{ERRNO_NAMES[code]}" if code in ERRNO_NAMES else f"-{code}"
    level = LOGLEVEL["debug"] if code == EPROBE_DEFER else LOGLEVEL["err"]
    log(kernel, level, f"{dev_prefix(kernel, dev)}error {name}: {text}")
    return err


def __dynamic_dev_dbg(kernel: Kernel, descriptor: int, dev: int, fmt: int,
                      varargs: VarArgs) -> None:
    _dev_message(kernel, LOGLEVEL["debug"], dev, fmt, varargs)


def __dynamic_pr_debug(kernel: Kernel, descriptor: int, fmt: int, varargs: VarArgs) -> None:
    log(kernel, LOGLEVEL["debug"], _message(kernel, fmt, varargs)[1])


def __warn_printk(kernel: Kernel, fmt: int, varargs: VarArgs) -> None:
    log(kernel, LOGLEVEL["warn"], _message(kernel, fmt, varargs)[1])


FUNCTIONS = {
    "_printk": _printk, "_dev_emerg": _dev_emerg, "_dev_alert": _dev_alert,
    "_dev_crit": _dev_crit, "_dev_err": _dev_err, "_dev_warn": _dev_warn,
    "_dev_notice": _dev_notice, "_dev_info": _dev_info, "_dev_printk": _dev_printk,
    "dev_err_probe": dev_err_probe, "__dynamic_dev_dbg": __dynamic_dev_dbg,
    "__dynamic_pr_debug": __dynamic_pr_debug, "__warn_printk": __warn_printk,
}
