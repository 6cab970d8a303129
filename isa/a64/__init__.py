"""The A64 (AArch64) integer instruction set: field helpers and the decoder."""
