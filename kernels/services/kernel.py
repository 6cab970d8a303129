"""The emulated kernel a module runs against: guest heap, log, virtual time and device-managed
resources, shared by every service handler (the ``kernel`` argument)."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from kernels.btf import Btf
from kernels.errors import KernelServiceError
from kernels.layout import DEFAULT_LAYOUT, KernelLayout
from kernels.services.convention import VaList

POISON_FREE = 0x6B  # SLUB's POISON_FREE byte (include/linux/poison.h): freed memory
ZERO_SIZE_PTR = 16  # what kmalloc(0) returns (include/linux/slab.h)
HZ = 250  # CONFIG_HZ of Debian's arm64 kernels (boot/config-*: CONFIG_HZ_250=y)
INITIAL_JIFFIES = (-300 * HZ) & 0xFFFFFFFF  # include/linux/jiffies.h: wraps 5 min after boot
HEAP_CHUNK = 0x10000


@dataclass(frozen=True)
class LogRecord:
    time_ns: int
    level: int  # printk level 0 (emerg) .. 7 (debug)
    text: str


@dataclass(frozen=True)
class Devres:
    """One device-managed resource: released when its device is unbound."""

    kind: str  # the devm_* function that took it
    key: int  # what identifies it to a devm_*free (address, irq, ...)
    release: Callable[[], None]


@dataclass(frozen=True)
class OffsetDevice:
    """A window into a larger device model, for mappings that start inside it."""

    model: object
    delta: int

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def size(self) -> int:
        return self.model.size - self.delta

    def read(self, offset: int, width: int) -> int:
        return self.model.read(offset + self.delta, width)

    def write(self, offset: int, width: int, value: int) -> None:
        self.model.write(offset + self.delta, width, value)


@dataclass(frozen=True)
class IoMapping:
    """An ioremap: physical MMIO range [phys, phys+size) seen by the driver at ``virt``."""

    phys: int
    size: int
    virt: int
    requested: bool  # the region was claimed (request_mem_region), not only mapped


def _bit_span(field) -> tuple[int, int, int]:
    """(first byte, byte count, shift) of the bytes holding a bitfield."""
    first = field.bit_offset // 8
    last = (field.bit_offset + field.bitfield_size - 1) // 8
    return first, last - first + 1, field.bit_offset - 8 * first


class GuestHeap:
    """A bump allocator over the layout's heap region; freed blocks are poisoned, never reused
    (deterministic addresses in both machines, use-after-free shows as 0x6b bytes)."""

    def __init__(self, machine, base: int, limit: int):
        self.machine, self.limit = machine, limit
        self.next = self.mapped = base
        self.live: dict[int, int] = {}

    def alloc(self, size: int, align: int = 64) -> int:
        """``size`` zeroed bytes aligned to ``align`` (ARCH_KMALLOC_MINALIGN is 128 on arm64;
        64 keeps small objects apart)."""
        if size == 0:
            return ZERO_SIZE_PTR
        addr = (self.next + align - 1) & ~(align - 1)
        end = addr + size
        if end > self.limit:
            raise KernelServiceError(f"kernel heap exhausted allocating {size} bytes")
        if end > self.mapped:
            grow = (end - self.mapped + HEAP_CHUNK - 1) // HEAP_CHUNK * HEAP_CHUNK
            self.machine.map(self.mapped, grow)
            self.mapped += grow
        self.next = end
        self.live[addr] = size
        return addr

    def free(self, addr: int) -> int:
        """Free a live block; returns its size."""
        size = self.live.pop(addr, None)
        if size is None:
            raise KernelServiceError(f"kfree of 0x{addr:x}, which is not a live allocation")
        self.machine.write(addr, bytes([POISON_FREE]) * size)
        return size

    def size(self, addr: int) -> int | None:
        return self.live.get(addr)


class Kernel:
    """Context of the emulated kernel services for one machine."""

    def __init__(self, machine, layout: KernelLayout = DEFAULT_LAYOUT,
                 locate: Callable[[int], str] | None = None, btf: Btf | None = None,
                 symbolize: Callable[[int], tuple[str, int, int] | None] | None = None):
        self.machine, self.btf = machine, btf
        self.symbolize = symbolize or (lambda addr: None)
        self.heap = GuestHeap(machine, layout.heap_base, layout.heap_limit)
        self.log: list[LogRecord] = []
        self.slept_ns = 0
        self.devres: dict[int, list[Devres]] = {}
        self.locate = locate or (lambda pc: f"0x{pc:x}")
        self.jiffies_addr: int | None = None  # where the module sees `jiffies`, once bound
        self.task: int | None = None
        self.drivers: list = []  # kernels.driver_model.RegisteredDriver, in registration order
        self.layout = layout
        self.iomaps: list[IoMapping] = []  # MMIO regions mapped by ioremap, in order
        self.ioremap_next = layout.ioremap_base  # virtual addresses are never reused
        self.device_models: dict[int, object] = {}  # physical base -> emulator.mmio.Device
        self.clocks: dict = {}  # struct clk address -> kernels.services.clk.ClockState
        self.clock_rates: dict[str, int] = {}  # connection id -> rate (from a description)
        self.irqs: dict = {}  # IRQ number -> kernels.services.irq.IrqAction
        self.continuations: list = []  # generator services waiting for a guest call
        self.registered: dict[str, list[int]] = {}  # subsystem -> registered objects
        self.early_randomness = b""  # what the hwrng core read from the first RNG
        self.regmaps: dict = {}  # struct regmap address -> kernels.services.regmap.RegmapState
        self.syscons: dict[int, tuple[int, int]] = {}  # phandle -> (phys start, end) of a syscon
        self.syscon_regmaps: dict[tuple[int, int], int] = {}  # syscon region -> its regmap
        self.rtc_ids = 0  # next RTC index (rtc0, rtc1, ...)
        self.timers: dict[int, int] = {}  # pending struct timer_list -> expires (jiffies)
        self.work: list[int] = []  # queued struct work_struct, in order
        self.gpio_descs: dict = {}  # struct gpio_desc -> kernels.services.gpio.GpioDesc
        self.gpio_values: dict[tuple[int, int], int] = {}  # (phandle, line) -> raw level
        self.gpio_log: list[tuple[int, tuple[int, int], int]] = []  # (ns, line, level) driven
        self.gpio_irq_base = 200  # IRQ of GPIO line n is 200 + n
        self.irq_levels: dict[int, int] = {}  # IRQ line -> level (irq_get_irqchip_state)
        self.extcon: dict[int, dict[int, bool]] = {}  # struct extcon_dev -> cable -> state
        self.extcon_log: list[tuple[int, int, bool]] = []  # (ns, cable, state) changes
        self.calls: list[tuple[str, int, int]] = []  # (service, caller pc, cycle) in order
        self.replay = None  # emulator.trace.ReplayCursor when devices replay a recording
        self.resets: dict[int, dict] = {}  # reset control -> its state
        self.pwms: dict[int, tuple[int, int]] = {}  # pwm_device -> (provider phandle, channel)
        self.pwm_log: list[tuple] = []  # (ns, (phandle, channel), period, duty, enabled)
        self.regulators: dict[int, dict] = {}  # regulator -> its state
        self.thermal_trips: dict[int, tuple] = {}  # sensor id -> ((mC, hyst mC, type), ...)
        self.thermal_log: list[tuple[int, int, int]] = []  # (ns, zone id, temperature mC)
        self.device_refs: dict[int, int] = {}  # struct device -> reference count
        self.sysfs_groups: dict[int, list[int]] = {}  # kobject -> attribute groups created
        self.kthreads: dict = {}  # task_struct -> kernels.services.kthread.KernelThread
        self.netlink_log: list[tuple[int, int, bytes]] = []  # (connector idx, val, payload)
        self.netdevs: dict[int, str] = {}  # struct net_device -> allocated/(un)registered
        self.netdevs_registered: list[int] = []  # in registration order (ifindex - 2)
        self.netdev_log: list[tuple[int, str, str]] = []  # (ns, interface name, event)
        self.irq_log: list[tuple[int, int, str]] = []  # (cycle, irq, handler outcome) raised

    # -- guest memory ----------------------------------------------------------------------
    def read(self, addr: int, size: int) -> bytes:
        return self.machine.read(addr, size)

    def write(self, addr: int, data: bytes) -> None:
        self.machine.write(addr, data)

    def u64(self, addr: int) -> int:
        return struct.unpack("<Q", self.read(addr, 8))[0]

    def zalloc(self, type_name: str, count: int = 1, extra: int = 0) -> int:
        """A zeroed array of ``count`` ``type_name`` objects (plus ``extra`` bytes) on the
        kernel heap, sized from BTF."""
        size = self.btf.sizeof(type_name) * count + extra
        addr = self.heap.alloc(size)
        self.write(addr, bytes(size))
        return addr

    def new(self, type_name: str, fields: dict[str, int]) -> int:
        """A zeroed ``type_name`` on the kernel heap with the members ``fields`` set."""
        addr = self.zalloc(type_name)
        for path, value in fields.items():
            self.put(addr, type_name, path, value)
        return addr

    def heap_string(self, text: str) -> int:
        """A NUL-terminated copy of ``text`` on the kernel heap."""
        data = text.encode() + b"\0"
        addr = self.heap.alloc(len(data), align=8)
        self.write(addr, data)
        return addr

    def get(self, addr: int, type_name: str, path: str) -> int:
        """The integer, pointer or bitfield member ``path`` of the ``type_name`` at ``addr``."""
        field = self._field(type_name, path)
        if field.bitfield_size:
            first, count, shift = _bit_span(field)
            word = int.from_bytes(self.read(addr + first, count), "little")
            return (word >> shift) & ((1 << field.bitfield_size) - 1)
        return int.from_bytes(self.read(addr + field.offset, field.size), "little")

    def put(self, addr: int, type_name: str, path: str, value: int) -> None:
        field = self._field(type_name, path)
        if field.bitfield_size:
            first, count, shift = _bit_span(field)
            mask = (1 << field.bitfield_size) - 1
            word = int.from_bytes(self.read(addr + first, count), "little")
            word = (word & ~(mask << shift)) | ((value & mask) << shift)
            self.write(addr + first, word.to_bytes(count, "little"))
            return
        self.write(addr + field.offset, (value & ((1 << (8 * field.size)) - 1)).to_bytes(
            field.size, "little"))

    def _field(self, type_name: str, path: str):
        if self.btf is None:
            raise KernelServiceError(f"{type_name}.{path} needs the kernel's BTF")
        field = self.btf.field(type_name, path)
        if not field.bitfield_size and field.size not in (1, 2, 4, 8):
            raise KernelServiceError(f"{type_name}.{path} is {field.size} bytes, not a scalar")
        return field

    def cstring(self, addr: int, limit: int = 4096) -> bytes:
        """The NUL-terminated string at ``addr`` (at most ``limit`` bytes, without the NUL)."""
        out = bytearray()
        while len(out) < limit:
            chunk = self.read(addr + len(out), min(64, 4096 - (addr + len(out)) % 4096))
            end = chunk.find(b"\0")
            if end >= 0:
                out += chunk[:end]
                return bytes(out[:limit])
            out += chunk
        return bytes(out[:limit])

    # -- what the format renderer needs (kernels.format.Guest) ----------------------------------
    def symbol(self, addr: int) -> tuple[str, int, int] | None:
        return self.symbolize(addr)

    def offset(self, type_name: str, path: str) -> int:
        if self.btf is None:
            raise KernelServiceError(f"{type_name}.{path} needs the kernel's BTF")
        return self.btf.offsetof(type_name, path)

    def va_list(self, addr: int) -> VaList:
        return VaList(self.machine, addr)

    # -- time and callers ------------------------------------------------------------------
    def now_ns(self) -> int:
        """Virtual time: the core's modeled run time plus time spent in emulated delays."""
        return int(self.machine.seconds() * 1e9) + self.slept_ns

    def jiffies(self) -> int:
        return (INITIAL_JIFFIES + self.now_ns() * HZ // 1_000_000_000) & (2**64 - 1)

    def sleep(self, ns: int) -> None:
        """Advance virtual time by ``ns`` (delays and sleeps) and publish the new jiffies."""
        self.slept_ns += max(ns, 0)
        self.tick()

    def tick(self) -> None:
        """Write the current jiffies where the module reads them."""
        if self.jiffies_addr is not None:
            self.write(self.jiffies_addr, struct.pack("<Q", self.jiffies()))

    def current(self) -> int:
        """The task_struct `current` points to (one task: the one running the module)."""
        if self.task is None:
            size = self.btf.sizeof("struct task_struct") if self.btf else 8192
            self.task = self.heap.alloc(size)
        return self.task

    def caller(self) -> str:
        """Where the current service was called from (the BL before x30)."""
        return self.locate(self.machine.reg(30) - 4)

    def state_of(self, table: dict, addr: int, subject: str, noun: str):
        """``table[addr]``, or a named error when a driver passes a handle the kernel never
        gave out ("<subject> operation on 0x.., which is not a <noun>")."""
        state = table.get(addr)
        if state is None:
            raise self.error(f"{subject} operation on 0x{addr:x}, which is not a {noun}")
        return state

    def error(self, message: str) -> KernelServiceError:
        return KernelServiceError(f"{message} (called from {self.caller()})")

    # -- MMIO ----------------------------------------------------------------------------------
    def ioremap(self, phys: int, size: int, requested: bool = False) -> int:
        """Map a physical MMIO range at a fresh virtual address (same page offset), backed by
        the device model covering it (a plain register bank if none was described): every
        access is traced by the machine."""
        from emulator.mmio import RegisterDevice

        virt = ((self.ioremap_next + 0xFFF) & ~0xFFF) + (phys & 0xFFF)
        if virt + size > self.layout.ioremap_limit:
            raise KernelServiceError(f"ioremap window exhausted mapping 0x{phys:x}+0x{size:x}")
        self.ioremap_next = virt + size
        model = self.model_at(phys, size)
        if model is None:
            model = self.device_models[phys] = RegisterDevice(f"mmio@{phys:x}", size)
        if self.replay is not None:
            from emulator.trace import ReplayDevice

            model = ReplayDevice(model.name, virt, self.replay, size)
        self.machine.map_device(virt, size, model)
        self.iomaps.append(IoMapping(phys, size, virt, requested))
        return virt

    def model_at(self, phys: int, size: int):
        """The device model for [phys, phys+size), seen from ``phys`` (offset if inside)."""
        for base, model in self.device_models.items():
            if base <= phys and phys + size <= base + model.size:
                return model if base == phys else OffsetDevice(model, phys - base)
        return None

    def io_read(self, addr: int, width: int) -> int:
        """A register read made by a kernel service: served by the device model and traced
        like a guest access, at the service's call site."""
        base, device = self._device_at(addr, width)
        value = device.read(addr - base, width)
        self._trace(addr, width, value, False)
        return value

    def io_write(self, addr: int, width: int, value: int) -> None:
        base, device = self._device_at(addr, width)
        device.write(addr - base, width, value)
        self._trace(addr, width, value, True)

    def _device_at(self, addr: int, width: int):
        for base, size, device in self.machine.devices:
            if base <= addr and addr + width <= base + size:
                return base, device
        raise self.error(f"I/O access to 0x{addr:x} (+{width}), which no ioremap maps")

    def _trace(self, addr: int, width: int, value: int, write: bool) -> None:
        from emulator.mmio import MmioAccess

        self.machine.mmio_trace.append(MmioAccess(self.machine.cycle_now(),
                                                  self.machine.reg(30) - 4, addr, width,
                                                  value, write))

    def iounmap(self, virt: int) -> None:
        self.iomaps = [m for m in self.iomaps if m.virt != virt]

    # -- device-managed resources ----------------------------------------------------------
    def devres_add(self, dev: int, kind: str, key: int, release: Callable[[], None]) -> None:
        self.devres.setdefault(dev, []).append(Devres(kind, key, release))

    def devm_register(self, dev: int, kind: str, obj: int, service: str) -> None:
        """List ``obj`` among the registered ``kind`` objects until ``dev`` is unbound (the
        devres entry ``service`` takes it off again)."""
        objects = self.registered.setdefault(kind, [])
        objects.append(obj)
        self.devres_add(dev, service, obj, lambda: objects.remove(obj))

    def registered_count(self, kind: str) -> int:
        """How many ``kind`` objects are registered: the id the next one gets."""
        return len(self.registered.get(kind, ()))

    def devres_remove(self, dev: int, kind: str, key: int) -> Devres | None:
        """Take one managed resource off ``dev``'s list (without releasing it)."""
        entries = self.devres.get(dev, [])
        for i, entry in enumerate(entries):
            if entry.kind == kind and entry.key == key:
                return entries.pop(i)
        return None

    def devres_release_all(self, dev: int) -> list[str]:
        """Release ``dev``'s managed resources, newest first (as devres_release_all does)."""
        released = []
        for entry in reversed(self.devres.pop(dev, [])):
            entry.release()
            released.append(entry.kind)
        return released
