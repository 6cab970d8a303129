"""The compiled hot loop of the request-level simulator (numba).

One memory controller per (pseudo-)channel, simulated event by event: at each step every queued
request of the current mode (reads, or writes while draining) names the command it needs next
(RD/WR on an open-row hit, ACT on a closed bank, PRE on a row conflict); the command that can
issue earliest wins, ties going to row hits, then to the oldest request (FR-FCFS). Commands
issue in time order, each at the earliest cycle the constraint table allows, so every command
stream the simulator produces is legal by construction. Refresh is all-bank every tREFI
(precharge-all, then REF). Writes wait in their own queue and are drained in batches between
a high and a low watermark, as DRAMSim3 and Ramulator controllers do.

Timing state is Ramulator's: for every node (channel, bank group, bank) and every command, the
earliest cycle that command may issue there; issuing a command pushes those bounds forward
along the constraints whose ``prev`` it is.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from memory.dram.constraints import Command, Constraint

ACT, PRE, PREA, RD, WR, REF = (int(c) for c in Command)
N_COMMANDS = len(Command)
MAX_WINDOW = 4


def compile_table(table: tuple[Constraint, ...]) -> tuple[np.ndarray, ...]:
    """The table as flat arrays grouped by ``prev`` command: (start, level, next, latency,
    window, slot) where ``slot`` numbers the windowed constraints (-1 for the others)."""
    rows = sorted(table, key=lambda c: int(c.prev))
    if any(c.window > MAX_WINDOW for c in rows):
        raise ValueError(f"windows above {MAX_WINDOW} are not supported")
    start = np.zeros(N_COMMANDS + 1, dtype=np.int64)
    for c in rows:
        start[int(c.prev) + 1] += 1
    start = np.cumsum(start)
    level = np.array([int(c.level) for c in rows], dtype=np.int64)
    nxt = np.array([int(c.next) for c in rows], dtype=np.int64)
    latency = np.array([c.latency for c in rows], dtype=np.int64)
    window = np.array([c.window for c in rows], dtype=np.int64)
    slot = np.full(len(rows), -1, dtype=np.int64)
    windowed = np.flatnonzero(window > 1)
    slot[windowed] = np.arange(len(windowed))
    return start, level, nxt, latency, window, slot


def new_timing_state(n_bank_groups: int, n_banks: int, n_slots: int) -> tuple[np.ndarray, ...]:
    """Fresh per-channel timing state: ready cycles per level and the windowed histories."""
    return (
        np.zeros(N_COMMANDS, dtype=np.int64),
        np.zeros((n_bank_groups, N_COMMANDS), dtype=np.int64),
        np.zeros((n_banks, N_COMMANDS), dtype=np.int64),
        np.zeros((max(n_slots, 1), n_banks, MAX_WINDOW), dtype=np.int64),
        np.zeros((max(n_slots, 1), n_banks), dtype=np.int64),
    )


@njit(cache=True)
def ready_cycle(ready_ch, ready_bg, ready_bk, cmd, bg, bk):
    """Earliest cycle ``cmd`` may issue to bank ``bk`` of bank group ``bg``."""
    t = ready_ch[cmd]
    if ready_bg[bg, cmd] > t:
        t = ready_bg[bg, cmd]
    if ready_bk[bk, cmd] > t:
        t = ready_bk[bk, cmd]
    return t


@njit(cache=True)
def issue_command(ready_ch, ready_bg, ready_bk, hist, hist_n, start, level, nxt, latency,
                  window, slot, cmd, bg, bk, t):
    """Record ``cmd`` issued at cycle ``t``: push every constrained command's ready cycle."""
    for k in range(start[cmd], start[cmd + 1]):
        lvl = level[k]
        node = 0 if lvl == 0 else (bg if lvl == 1 else bk)
        w = window[k]
        if w == 1:
            v = t + latency[k]
        else:
            s = slot[k]
            n = hist_n[s, node]
            hist[s, node, n % w] = t
            hist_n[s, node] = n + 1
            if n + 1 < w:
                continue
            v = hist[s, node, (n + 1) % w] + latency[k]
        c = nxt[k]
        if lvl == 0:
            if ready_ch[c] < v:
                ready_ch[c] = v
        elif lvl == 1:
            if ready_bg[node, c] < v:
                ready_bg[node, c] = v
        elif ready_bk[node, c] < v:
            ready_bk[node, c] = v


@njit(cache=True)
def simulate_channels(ch_start, bank, row, is_write, arrival, banks_per_group, n_banks, n_slots,
                      n_bl, n_cl, n_cwl, n_rfc, n_refi, read_queue, write_queue, start, level,
                      nxt, latency, window, slot):
    """Serve every request; returns (completion cycle, needed-ACT flag) per request and per
    channel (column commands, refreshes, last busy cycle). Requests are grouped by channel
    (``ch_start`` offsets) and in arrival order within a channel; ``bank`` is the flat bank
    index (bank group * banks_per_group + bank). Requests enter in order: one whose queue is
    full holds back those behind it, as Ramulator's and DRAMSim3's trace front ends do."""
    n = arrival.shape[0]
    n_channels = ch_start.shape[0] - 1
    n_groups = n_banks // banks_per_group
    completion = np.zeros(n, dtype=np.int64)
    missed = np.zeros(n, dtype=np.uint8)
    column_commands = np.zeros(n_channels, dtype=np.int64)
    refreshes = np.zeros(n_channels, dtype=np.int64)
    last_cycle = np.zeros(n_channels, dtype=np.int64)
    link = np.full(n, -1, dtype=np.int64)  # next request of the same bank queue
    high_mark = max(1, (write_queue * 3) // 4)
    low_mark = write_queue // 4
    for ch in range(n_channels):
        lo = ch_start[ch]
        hi = ch_start[ch + 1]
        if lo == hi:
            continue
        ready_ch = np.zeros(N_COMMANDS, dtype=np.int64)
        ready_bg = np.zeros((n_groups, N_COMMANDS), dtype=np.int64)
        ready_bk = np.zeros((n_banks, N_COMMANDS), dtype=np.int64)
        hist = np.zeros((max(n_slots, 1), n_banks, MAX_WINDOW), dtype=np.int64)
        hist_n = np.zeros((max(n_slots, 1), n_banks), dtype=np.int64)
        open_row = np.full(n_banks, -1, dtype=np.int64)
        # per mode (0 = reads, 1 = writes) and bank: FIFO of queued requests as a linked list
        head = np.full((2, n_banks), -1, dtype=np.int64)
        tail = np.full((2, n_banks), -1, dtype=np.int64)
        queued = np.zeros(2, dtype=np.int64)
        capacity = np.array([read_queue, write_queue], dtype=np.int64)
        mode = 0
        # per bank: its candidate request, command and the bank-group/bank part of its ready
        # cycle, valid until the bank's queue, its row or its group's timing changes
        valid = np.zeros(n_banks, dtype=np.bool_)
        cand = np.zeros(n_banks, dtype=np.int64)
        cand_cmd = np.zeros(n_banks, dtype=np.int64)
        cand_hit = np.zeros(n_banks, dtype=np.bool_)
        cand_ready = np.zeros(n_banks, dtype=np.int64)
        ptr = lo
        now = arrival[lo]
        next_refresh = n_refi
        remaining = hi - lo
        while remaining > 0:
            while ptr < hi and arrival[ptr] <= now:
                m = 1 if is_write[ptr] else 0
                if queued[m] >= capacity[m]:
                    break
                b = bank[ptr]
                if tail[m, b] < 0:
                    head[m, b] = ptr
                else:
                    link[tail[m, b]] = ptr
                tail[m, b] = ptr
                valid[b] = False
                queued[m] += 1
                ptr += 1
            if queued[0] + queued[1] == 0:
                now = arrival[ptr]
                while next_refresh + n_rfc <= now:  # refreshed while idle: rows closed
                    next_refresh += n_refi
                    open_row[:] = -1
                    valid[:] = False
                continue
            if now >= next_refresh:
                if open_row.max() >= 0:
                    t = max(now, ready_cycle(ready_ch, ready_bg, ready_bk, PREA, 0, 0))
                    issue_command(ready_ch, ready_bg, ready_bk, hist, hist_n, start, level, nxt,
                                  latency, window, slot, PREA, 0, 0, t)
                    open_row[:] = -1
                    now = t
                t = max(now, ready_cycle(ready_ch, ready_bg, ready_bk, REF, 0, 0))
                issue_command(ready_ch, ready_bg, ready_bk, hist, hist_n, start, level, nxt,
                              latency, window, slot, REF, 0, 0, t)
                now = t
                next_refresh += n_refi
                refreshes[ch] += 1
                valid[:] = False
                continue
            if mode == 1:
                if queued[1] == 0 or (queued[0] > 0 and queued[1] <= low_mark):
                    mode = 0
                    valid[:] = False
            elif queued[1] > 0 and (queued[0] == 0 or queued[1] >= high_mark):
                mode = 1
                valid[:] = False
            column = WR if mode == 1 else RD
            best_r = -1
            best_t = np.int64(1) << 62
            best_cmd = 0
            best_hit = False
            for b in range(n_banks):
                oldest = head[mode, b]
                if oldest < 0:
                    continue
                if not valid[b]:
                    current = open_row[b]
                    candidate = oldest
                    hit = False
                    if current >= 0:
                        x = oldest
                        while x >= 0:
                            if row[x] == current:
                                candidate = x
                                hit = True
                                break
                            x = link[x]
                    cmd = column if hit else (ACT if current < 0 else PRE)
                    g = b // banks_per_group
                    cand[b] = candidate
                    cand_cmd[b] = cmd
                    cand_hit[b] = hit
                    cand_ready[b] = max(ready_bg[g, cmd], ready_bk[b, cmd])
                    valid[b] = True
                candidate = cand[b]
                cmd = cand_cmd[b]
                hit = cand_hit[b]
                t = max(now, max(ready_ch[cmd], cand_ready[b]))
                if t < best_t or (t == best_t and (
                        (hit and not best_hit) or (hit == best_hit and candidate < best_r))):
                    best_t = t
                    best_r = candidate
                    best_cmd = cmd
                    best_hit = hit
            if ptr < hi and arrival[ptr] < best_t:
                if queued[1 if is_write[ptr] else 0] < capacity[1 if is_write[ptr] else 0]:
                    now = arrival[ptr]
                    continue
            r = best_r
            b = bank[r]
            g = b // banks_per_group
            issue_command(ready_ch, ready_bg, ready_bk, hist, hist_n, start, level, nxt, latency,
                          window, slot, best_cmd, g, b, best_t)
            valid[g * banks_per_group:(g + 1) * banks_per_group] = False
            now = best_t
            if best_cmd == ACT:
                open_row[b] = row[r]
                missed[r] = 1
            elif best_cmd == PRE:
                open_row[b] = -1
                missed[r] = 1
            else:
                done = best_t + (n_cwl if mode == 1 else n_cl) + n_bl
                completion[r] = done
                if done > last_cycle[ch]:
                    last_cycle[ch] = done
                column_commands[ch] += 1
                # unlink r from its bank queue
                if head[mode, b] == r:
                    head[mode, b] = link[r]
                    if tail[mode, b] == r:
                        tail[mode, b] = -1
                else:
                    x = head[mode, b]
                    while link[x] != r:
                        x = link[x]
                    link[x] = link[r]
                    if tail[mode, b] == r:
                        tail[mode, b] = x
                queued[mode] -= 1
                remaining -= 1
    return completion, missed, column_commands, refreshes, last_cycle
