"""The AArch64 -> Thumb-2 dynamic binary translator and the machines it runs on."""

import isa  # noqa: F401  (first: it chooses compiled or source translator modules, isa.native)
