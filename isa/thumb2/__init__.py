"""Thumb-2 (ARMv7-M): assembly with Keystone and disassembly with Capstone."""
