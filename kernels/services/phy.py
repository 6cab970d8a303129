"""The generic PHY framework (drivers/phy/phy-core.c) as PHY providers and consumers call it."""

from __future__ import annotations

from kernels.errno import EINVAL, MASK64
from kernels.services.kernel import Kernel


def devm_phy_create(kernel: Kernel, dev: int, node: int, ops: int) -> int:
    """A struct phy for the provider ``dev`` with ``ops`` (phy_create()), freed with ``dev``."""
    if not dev:
        return -EINVAL & MASK64
    phy = kernel.new("phy", {"id": kernel.registered_count("phy"), "ops": ops,
                             "dev.parent": dev, "dev.of_node": node})
    kernel.devm_register(dev, "phy", phy, "devm_phy_create")
    return phy


def __devm_of_phy_provider_register(kernel: Kernel, dev: int, children: int, owner: int,
                                    of_xlate: int) -> int:
    """Register ``dev`` as a PHY provider translating phandle arguments with ``of_xlate``."""
    if not of_xlate:
        return -EINVAL & MASK64
    children = children or kernel.get(dev, "device", "of_node")
    provider = kernel.new("phy_provider", {"dev": dev, "children": children, "owner": owner,
                                           "of_xlate": of_xlate})
    kernel.devm_register(dev, "phy_provider", provider, "devm_of_phy_provider_register")
    return provider


def devm_phy_optional_get(kernel: Kernel, dev: int, name: int) -> int:
    """The consumer's PHY named in its "phys"/"phy-names" properties; NULL (no PHY) when the
    device names none, as for any optional lookup."""
    from kernels.services.of import _strings, property_value

    node = kernel.get(dev, "device", "of_node")
    wanted = kernel.cstring(name) if name else None
    names = _strings(property_value(kernel, node, b"phy-names") or b"") or []
    if property_value(kernel, node, b"phys") is None or (wanted and wanted not in names):
        return 0
    raise kernel.error("devm_phy_optional_get of a described PHY is not emulated")


FUNCTIONS = {
    "devm_phy_create": devm_phy_create,
    "__devm_of_phy_provider_register": __devm_of_phy_provider_register,
    "devm_phy_optional_get": devm_phy_optional_get,
}
DATA: dict = {}
