"""Machines that run guest code: the Cortex-M core running translated AArch64, the native
AArch64 reference core, and the Cortex-M core running its own Thumb-2 programs."""
