"""The hardware random number generator core (drivers/char/hw_random/core.c): registration
makes the first RNG current, which runs its init callback and reads 32 bytes of early
randomness from it, as the kernel does."""

from __future__ import annotations

from kernels.errno import EEXIST, EINVAL, MASK64
from kernels.services.convention import GuestCall
from kernels.services.kernel import Kernel

EARLY_RANDOMNESS_BYTES = 32  # add_early_randomness(): rng_get_data(rng, fillbuf, 32, 0)


def hwrng_register(kernel: Kernel, rng: int):
    name_at = kernel.get(rng, "hwrng", "name")
    if not name_at or not (kernel.get(rng, "hwrng", "data_read") or kernel.get(rng, "hwrng",
                                                                                "read")):
        return -EINVAL & MASK64
    rngs = kernel.registered.setdefault("hwrng", [])
    name = kernel.cstring(name_at)
    if any(kernel.cstring(kernel.get(r, "hwrng", "name")) == name for r in rngs):
        return -EEXIST & MASK64
    rngs.append(rng)
    if len(rngs) == 1:  # no current RNG yet: this one becomes current
        init = kernel.get(rng, "hwrng", "init")
        if init:
            result = yield GuestCall(init, (rng,))
            if result & 0xFFFFFFFF:
                rngs.remove(rng)
                return result
        read = kernel.get(rng, "hwrng", "read")
        if read:
            buf = kernel.heap.alloc(EARLY_RANDOMNESS_BYTES)
            got = yield GuestCall(read, (rng, buf, EARLY_RANDOMNESS_BYTES, 0))
            count = got & 0xFFFFFFFF
            kernel.early_randomness = kernel.read(buf, min(count, EARLY_RANDOMNESS_BYTES)) \
                if count < 0x80000000 else b""
    return 0


def hwrng_unregister(kernel: Kernel, rng: int):
    rngs = kernel.registered.get("hwrng", [])
    if rng not in rngs:
        raise kernel.error(f"hwrng_unregister of 0x{rng:x}, never registered")
    was_current = rngs[0] == rng
    rngs.remove(rng)
    cleanup = kernel.get(rng, "hwrng", "cleanup")
    if was_current and cleanup:
        yield GuestCall(cleanup, (rng,))


def devm_hwrng_register(kernel: Kernel, dev: int, rng: int):
    result = yield from hwrng_register(kernel, rng)
    if result == 0:
        kernel.devres_add(dev, "devm_hwrng_register", rng,
                          lambda: _run_unregister(kernel, rng))
    return result


def _run_unregister(kernel: Kernel, rng: int) -> None:
    """Unregister from outside the guest (devres release): guest calls run directly."""
    steps = hwrng_unregister(kernel, rng)
    value = None
    try:
        while True:
            request = steps.send(value)
            value = kernel.machine.call(request.addr, *request.args)
    except StopIteration:
        pass


def devm_hwrng_unregister(kernel: Kernel, dev: int, rng: int):
    if kernel.devres_remove(dev, "devm_hwrng_register", rng) is None:
        raise kernel.error(f"devm_hwrng_unregister of 0x{rng:x}, not a managed hwrng")
    yield from hwrng_unregister(kernel, rng)


FUNCTIONS = {
    "hwrng_register": hwrng_register, "hwrng_unregister": hwrng_unregister,
    "devm_hwrng_register": devm_hwrng_register, "devm_hwrng_unregister": devm_hwrng_unregister,
}
