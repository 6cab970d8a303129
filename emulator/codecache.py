"""The translation cache: host code placement in the M core's code memory, block chaining and
the jump cache used by indirect branches.

Eviction policy: when a new block does not fit, the whole cache is flushed (every block, chain
and jump-cache entry dropped) and translation restarts from empty, as QEMU's tb_flush does.  It
never leaves a dangling chain and costs nothing on the hot path.
"""

from __future__ import annotations

import bisect
import struct
from collections.abc import Callable

from emulator import layout
from emulator.errors import GuestError
from emulator.translator.block import TranslatedBlock
from emulator.translator.exits import Exit
from isa.thumb2.encode import branch_cond, branch_w

COND_REACH = 1 << 20  # a b<cond>.w reaches +-1 MiB: farther conditional exits stay unchained


class CodeCache:
    def __init__(self, uc, size: int) -> None:
        self.uc = uc
        self.base = layout.CODE_CACHE
        self.size = size
        self.cursor = self.base
        self.blocks: dict[int, TranslatedBlock] = {}
        self.placed: list[TranslatedBlock] = []  # in host-address order (the cursor only grows)
        self.starts: list[int] = []  # their host addresses
        self.by_token: dict[int, tuple[TranslatedBlock, Exit]] = {}
        self.flushes = 0
        self.bytes_used_peak = 0
        self._clear_jump_table()

    def lookup(self, guest_pc: int) -> TranslatedBlock | None:
        return self.blocks.get(guest_pc)

    def insert(self, block: TranslatedBlock, chainable: Callable[[int], bool] | None = None
               ) -> int:
        """Place ``block`` (flushing everything first if it does not fit) and index its exits.
        Exits to blocks already in the cache (or to ``block`` itself) whose guest pc passes
        ``chainable`` are chained before the code is written, so Unicorn never compiles the
        unchained version; returns how many."""
        size = (block.size + 3) & ~3
        if size > self.size:
            raise GuestError(f"a translated block of {size} bytes does not fit a code cache of "
                             f"{self.size} bytes (raise --code-cache-kb)")
        if self.cursor + size > self.base + self.size:
            self.flush()
        addr = self.cursor
        self.cursor += size
        self.bytes_used_peak = max(self.bytes_used_peak, self.cursor - self.base)
        code = bytearray(block.code)
        for far in block.far:
            offset = block.host_offsets[far.index]
            code[offset:offset + 4] = branch_w(addr + offset, far.target)
        block.host_addr = addr
        self.blocks[block.guest_pc] = block
        chained = 0
        for exit_ in block.exits:
            exit_.token = addr + block.host_offsets[exit_.stub_index] + 4
            self.by_token[exit_.token] = (block, exit_)
            if exit_.patch_index < 0:
                continue
            offset = block.host_offsets[exit_.patch_index]
            exit_.patch_addr = addr + offset
            target = self.blocks.get(exit_.guest_pc)
            if target is not None and chainable is not None and chainable(exit_.guest_pc):
                patch = _chain_branch(exit_, target)
                if patch is not None:
                    code[offset:offset + 4] = patch
                    chained += 1
        self.uc.mem_write(addr, bytes(code))
        self.placed.append(block)
        self.starts.append(addr)
        self.uc.mem_write(layout.jump_slot(block.guest_pc),
                          struct.pack("<II", block.guest_pc & 0xFFFFFFFF, addr | 1))
        return chained

    def chain(self, exit_: Exit, target: TranslatedBlock) -> bool:
        """Patch the exit's branch to jump straight to ``target``; False if it cannot reach."""
        patch = _chain_branch(exit_, target)
        if patch is None:
            return False
        self.uc.mem_write(exit_.patch_addr, patch)
        self.uc.ctl_remove_cache(exit_.patch_addr, exit_.patch_addr + 4)
        return True

    def _clear_jump_table(self) -> None:
        """Every entry tagged 1: guest pcs are word-aligned, so an empty entry never hits."""
        self.uc.mem_write(layout.JUMP_TABLE, struct.pack("<II", 1, 0) * (1 << layout.JT_BITS))

    def block_at(self, host: int) -> TranslatedBlock | None:
        """The block whose host code contains ``host``."""
        k = bisect.bisect_right(self.starts, host) - 1
        if k >= 0 and host < self.placed[k].host_addr + self.placed[k].size:
            return self.placed[k]
        return None

    def flush(self, full: bool = True) -> None:
        """Drop every block; ``full``: because the cache is full (counted in the stats)."""
        self.blocks.clear()
        self.placed.clear()
        self.starts.clear()
        self.by_token.clear()
        self._clear_jump_table()
        self.uc.ctl_remove_cache(self.base, self.base + self.size)
        self.cursor = self.base
        if full:
            self.flushes += 1

    @property
    def bytes_used(self) -> int:
        return self.cursor - self.base


def _chain_branch(exit_: Exit, target: TranslatedBlock) -> bytes | None:
    """The chained form of the exit's branch (``b.w``, or ``b<cond>.w`` when in reach)."""
    if exit_.cond is None:
        return branch_w(exit_.patch_addr, target.host_addr)
    if abs(target.host_addr - (exit_.patch_addr + 4)) >= COND_REACH:
        return None
    return branch_cond(exit_.cond, exit_.patch_addr, target.host_addr, wide=True)
