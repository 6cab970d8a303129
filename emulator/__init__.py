"""The AArch64 -> Thumb-2 dynamic binary translator and the machines it runs on."""
