"""Device models: the guest's register accesses reach them, and both machines record the same
trace (pc, address, width, value, direction) access by access."""

from pathlib import Path

import pytest

from emulator.api import load
from emulator.mmio import MmioAccess, RegisterDevice, record
from emulator.toolchain import compile_c

HERE = Path(__file__).parent / "programs"
DEV = 0x48000000


class PollingDevice(RegisterDevice):
    """Status bit 0 reads as set from the third read on; the data register counts up."""

    def __post_init__(self):
        super().__post_init__()
        self.status_reads = 0
        self.next_data = 10

    def read(self, offset, width):
        if offset == 0x4:
            self.status_reads += 1
            return int(self.status_reads >= 3)
        if offset == 0x8:
            self.next_data += 1
            return self.next_data
        return super().read(offset, width)


def run(mode):
    m = load(compile_c([HERE / "mmio_poll.c"], "aarch64", "-O2"), mode)
    device = PollingDevice("poll", 0x1000)
    m.map_device(DEV, 0x1000, device)
    result = m.run()
    return result, m.mmio_trace, device


@pytest.mark.parametrize("mode", ["translate", "native"])
def test_guest_drives_the_device(mode):
    result, trace, device = run(mode)
    assert result.stdout == b"50 1122334455667788\n" and result.exit_code == 0
    writes = [(a.addr - DEV, a.width, a.value) for a in trace if a.write]
    assert writes == [(0x0, 4, 1), (0x10, 8, 0x1122334455667788), (0xC, 4, 50)]
    assert [a.value for a in trace if a.addr == DEV + 4] == [0, 0, 1]
    assert device.read(0xC, 4) == 50
    assert all(a.cycle >= 0 and a.pc for a in trace)


def test_traces_identical_across_machines():
    (_, translated, _), (_, native, _) = run("translate"), run("native")
    assert [a.key() for a in translated] == [a.key() for a in native]
    assert len(translated) == 11  # enable, 3 polls, 4 data reads, 64-bit write+read, sum
    assert translated[-1].cycle > translated[0].cycle  # modelled time advances


def test_split_wide_access_is_merged():
    trace = []
    record(trace, MmioAccess(5, 0x100, 0x2000, 4, 0x55667788, False))
    record(trace, MmioAccess(5, 0x100, 0x2004, 4, 0x11223344, False))
    record(trace, MmioAccess(6, 0x104, 0x2008, 4, 1, False))
    assert [(a.width, a.value) for a in trace] == [(8, 0x1122334455667788), (4, 1)]
    assert "R64" in trace[0].line() and "0x1122334455667788" in trace[0].line()
