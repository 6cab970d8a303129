"""Interrupt requests (kernel/irq/manage.c, devres.c): handlers recorded per IRQ line for the
runner to raise, enable/disable depth, wake configuration."""

from __future__ import annotations

from dataclasses import dataclass

from kernels.errno import MASK64
from kernels.services.kernel import Kernel
from kernels.services.printk import LOGLEVEL, log

IRQF_NO_AUTOEN = 0x00080000  # include/linux/interrupt.h
IRQC_IS_HARDIRQ = 0
EINVAL, EBUSY = 22, 16


@dataclass
class IrqAction:
    irq: int
    handler: int
    thread_fn: int
    flags: int
    name: str
    dev_id: int
    depth: int = 0  # disable depth: handlers run only at 0
    wake: bool = False


def request_threaded_irq(kernel: Kernel, irq: int, handler: int, thread_fn: int, flags: int,
                         devname: int, dev_id: int) -> int:
    irq &= 0xFFFFFFFF
    if not handler and not thread_fn:
        return -EINVAL & MASK64
    if irq in kernel.irqs:  # no IRQF_SHARED lines in the emulated machine
        return -EBUSY & MASK64
    name = kernel.cstring(devname).decode("latin-1") if devname else ""
    kernel.irqs[irq] = IrqAction(irq, handler, thread_fn, flags, name, dev_id,
                                 depth=1 if flags & IRQF_NO_AUTOEN else 0)
    return 0


def free_irq(kernel: Kernel, irq: int, dev_id: int) -> int:
    action = kernel.irqs.get(irq & 0xFFFFFFFF)
    if action is None or action.dev_id != dev_id:
        log(kernel, LOGLEVEL["warn"], f"Trying to free already-free IRQ {irq & 0xFFFFFFFF}")
        return 0
    del kernel.irqs[irq & 0xFFFFFFFF]
    return kernel.heap_string(action.name)  # free_irq returns the devname


def devm_request_threaded_irq(kernel: Kernel, dev: int, irq: int, handler: int, thread_fn: int,
                              flags: int, devname: int, dev_id: int) -> int:
    result = request_threaded_irq(kernel, irq, handler, thread_fn, flags, devname, dev_id)
    if result == 0:
        kernel.devres_add(dev, "devm_request_irq", irq & 0xFFFFFFFF,
                          lambda: free_irq(kernel, irq, dev_id))
    return result


def devm_request_any_context_irq(kernel: Kernel, dev: int, irq: int, handler: int, flags: int,
                                 devname: int, dev_id: int) -> int:
    result = devm_request_threaded_irq(kernel, dev, irq, handler, 0, flags, devname, dev_id)
    return IRQC_IS_HARDIRQ if result == 0 else result


def devm_free_irq(kernel: Kernel, dev: int, irq: int, dev_id: int) -> None:
    entry = kernel.devres_remove(dev, "devm_request_irq", irq & 0xFFFFFFFF)
    if entry is None:
        raise kernel.error(f"devm_free_irq of IRQ {irq & 0xFFFFFFFF}, not a managed IRQ")
    entry.release()


def _action(kernel: Kernel, irq: int) -> IrqAction:
    action = kernel.irqs.get(irq & 0xFFFFFFFF)
    if action is None:
        raise kernel.error(f"IRQ {irq & 0xFFFFFFFF} was never requested")
    return action


def disable_irq(kernel: Kernel, irq: int) -> None:
    _action(kernel, irq).depth += 1


def enable_irq(kernel: Kernel, irq: int) -> None:
    action = _action(kernel, irq)
    if action.depth == 0:
        log(kernel, LOGLEVEL["warn"], f"Unbalanced enable for IRQ {action.irq}")
        return
    action.depth -= 1


def irq_set_irq_wake(kernel: Kernel, irq: int, on: int) -> int:
    _action(kernel, irq).wake = bool(on & 0xFFFFFFFF)
    return 0


def irq_get_irqchip_state(kernel: Kernel, irq: int, which: int, state: int) -> int:
    """The line level (or pending/active/masked state) as the emulated interrupt controller
    sees it: `Kernel.irq_levels`, 0 unless a description or test raised it."""
    irq &= 0xFFFFFFFF
    names = {kernel.btf.enum_value("irqchip_irq_state", n): n for n in (
        "IRQCHIP_STATE_PENDING", "IRQCHIP_STATE_ACTIVE", "IRQCHIP_STATE_MASKED",
        "IRQCHIP_STATE_LINE_LEVEL")}
    kind = names.get(which & 0xFFFFFFFF)
    if kind is None:
        return -EINVAL & MASK64
    action = kernel.irqs.get(irq)
    value = {"IRQCHIP_STATE_LINE_LEVEL": kernel.irq_levels.get(irq, 0),
             "IRQCHIP_STATE_MASKED": int(bool(action and action.depth)),
             "IRQCHIP_STATE_PENDING": 0, "IRQCHIP_STATE_ACTIVE": 0}[kind]
    kernel.write(state, bytes([value]))
    return 0


FUNCTIONS = {
    "irq_get_irqchip_state": irq_get_irqchip_state,
    "request_threaded_irq": request_threaded_irq, "free_irq": free_irq,
    "devm_request_threaded_irq": devm_request_threaded_irq,
    "devm_request_any_context_irq": devm_request_any_context_irq,
    "devm_free_irq": devm_free_irq, "disable_irq": disable_irq,
    "disable_irq_nosync": disable_irq, "enable_irq": enable_irq,
    "irq_set_irq_wake": irq_set_irq_wake,
}
