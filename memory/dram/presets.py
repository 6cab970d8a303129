"""Every device preset by name, with overrides of organization or timing fields."""

from __future__ import annotations

import dataclasses

from memory.dram import ddr4, ddr5, hbm2, hbm2e, hbm3, hbm3e, mcdram
from memory.dram.spec import DeviceSpec, Organization, Timing
from memory.errors import InvalidOverride, UnknownPreset

STANDARD_MODULES = (ddr4, ddr5, hbm2, hbm2e, hbm3, hbm3e, mcdram)

DEVICE_PRESETS: dict[str, DeviceSpec] = {
    name: spec for module in STANDARD_MODULES for name, spec in module.PRESETS.items()
}

_ORG_FIELDS = {f.name for f in dataclasses.fields(Organization)}
_TIMING_FIELDS = {f.name for f in dataclasses.fields(Timing)} - {"rate_mtps"}


def device_preset(name: str, **overrides: int) -> DeviceSpec:
    """The preset ``name`` with organization/timing fields replaced by ``overrides``.

    The pin rate is part of the speed bin and cannot be overridden (pick another preset);
    an override leaving the device inconsistent raises :class:`InvalidOverride`.
    """
    try:
        spec = DEVICE_PRESETS[name]
    except KeyError:
        raise UnknownPreset("memory device", name, DEVICE_PRESETS) from None
    unknown = set(overrides) - _ORG_FIELDS - _TIMING_FIELDS
    if unknown:
        raise InvalidOverride(
            f"{name}: cannot override {', '.join(sorted(unknown))} (organization fields: "
            f"{', '.join(sorted(_ORG_FIELDS))}; timing fields: "
            f"{', '.join(sorted(_TIMING_FIELDS))})")
    if not overrides:
        return spec
    org = dataclasses.replace(spec.org, **{k: v for k, v in overrides.items() if k in _ORG_FIELDS})
    timing = dataclasses.replace(
        spec.timing, **{k: v for k, v in overrides.items() if k in _TIMING_FIELDS})
    label = ",".join(f"{k}={v}" for k, v in sorted(overrides.items()))
    return dataclasses.replace(spec, name=f"{name}[{label}]", org=org, timing=timing)
