"""Facts about instruction sets, as data and small pure functions (the bottom layer of hwemu)."""

from isa.native import install

install()  # the compiled decoder, translator and encoders when they are current (isa.native)
