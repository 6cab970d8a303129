"""The netlink connector (drivers/connector/connector.c) that subsystems such as w1 report
events through.  No user-space process listens in the emulated system, so a broadcast is
logged (`Kernel.netlink_log`) and fails with -ESRCH, as cn_netlink_send_mult does when the
group has no listeners."""

from __future__ import annotations

from kernels.errno import ESRCH, MASK64
from kernels.services.kernel import Kernel


def cn_netlink_send(kernel: Kernel, msg: int, portid: int, group: int, gfp: int) -> int:
    length = kernel.get(msg, "cn_msg", "len")
    payload = kernel.read(msg + kernel.offset("cn_msg", "data"), length)
    kernel.netlink_log.append((kernel.get(msg, "cn_msg", "id.idx"),
                               kernel.get(msg, "cn_msg", "id.val"), payload))
    return -ESRCH & MASK64


FUNCTIONS = {"cn_netlink_send": cn_netlink_send}
DATA: dict = {}
