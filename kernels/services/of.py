"""Device tree properties (drivers/of/base.c, property.c) and the device_property/fwnode layer
over them (drivers/base/property.c with the OF fwnode operations)."""

from __future__ import annotations

import struct

from kernels.errno import MASK64
from kernels.services.kernel import Kernel

EINVAL, ENODATA, EOVERFLOW, EILSEQ, ENXIO = 22, 61, 75, 84, 6
INT_MAX = (1 << 31) - 1


def err(code: int) -> int:
    return -code & MASK64


def find_property(kernel: Kernel, node: int, name: bytes) -> int:
    """The struct property named ``name`` of ``node`` (0 if none)."""
    prop = kernel.get(node, "device_node", "properties") if node else 0
    while prop:
        if kernel.cstring(kernel.get(prop, "property", "name")) == name:
            return prop
        prop = kernel.get(prop, "property", "next")
    return 0


def property_value(kernel: Kernel, node: int, name: bytes) -> bytes | None:
    prop = find_property(kernel, node, name)
    if not prop:
        return None
    length = kernel.get(prop, "property", "length")
    value = kernel.get(prop, "property", "value")
    return kernel.read(value, length) if length else b""


def _sized(kernel: Kernel, node: int, name: int, minimum: int, maximum: int
           ) -> tuple[int, bytes | int]:
    """of_find_property_value_of_size: (0, value) or (errno, 0)."""
    prop = find_property(kernel, node, kernel.cstring(name))
    if not prop:
        return EINVAL, 0
    if not kernel.get(prop, "property", "value"):
        return ENODATA, 0
    length = kernel.get(prop, "property", "length")
    if length < minimum or (maximum and length > maximum):
        return EOVERFLOW, 0
    return 0, kernel.read(kernel.get(prop, "property", "value"), length)


def _read_array(kernel: Kernel, node: int, name: int, out: int, sz_min: int, sz_max: int,
                width: int) -> int:
    code, value = _sized(kernel, node, name, sz_min * width, sz_max * width)
    if code:
        return err(code)
    count = sz_min if not sz_max else len(value) // width
    fmt = {1: "B", 2: "H", 4: "I", 8: "Q"}[width]
    values = struct.unpack(f">{count}{fmt}", value[:count * width])
    kernel.write(out, struct.pack(f"<{count}{fmt}", *values))
    return count


def _variable_array(width: int):
    """The of_property_read_variable_u<8*width>_array service: big-endian cells of ``width``
    bytes into a native array, ``sz_min``..``sz_max`` of them (0: exactly ``sz_min``)."""
    def read(kernel: Kernel, np: int, name: int, out: int, sz_min: int, sz_max: int) -> int:
        return _read_array(kernel, np, name, out, sz_min, sz_max, width)
    return read


def of_property_read_u64(kernel: Kernel, np: int, name: int, out: int) -> int:
    result = _read_array(kernel, np, name, out, 1, 0, 8)
    return result if result >> 63 else 0


def of_property_read_u32_index(kernel: Kernel, np: int, name: int, index: int,
                               out: int) -> int:
    code, value = _sized(kernel, np, name, (index + 1) * 4, 0)
    if code:
        return err(code)
    kernel.write(out, struct.pack("<I", struct.unpack_from(">I", value, 4 * index)[0]))
    return 0


def of_property_count_elems_of_size(kernel: Kernel, np: int, name: int, elem_size: int) -> int:
    value = property_value(kernel, np, kernel.cstring(name))
    if value is None:
        return err(EINVAL)
    if len(value) % elem_size:
        return err(EINVAL)  # the kernel also logs "size of %s in node %pOF is not a multiple"
    return len(value) // elem_size


def _strings(value: bytes) -> list[bytes] | None:
    """A string-list property's strings, or None if not NUL-terminated."""
    if not value or value[-1:] != b"\0":
        return None
    return value[:-1].split(b"\0")


def of_property_read_string(kernel: Kernel, np: int, name: int, out: int) -> int:
    prop = find_property(kernel, np, kernel.cstring(name))
    if not prop:
        return err(EINVAL)
    value_at = kernel.get(prop, "property", "value")
    if not value_at:
        return err(ENODATA)
    length = kernel.get(prop, "property", "length")
    if kernel.read(value_at, length).find(b"\0") < 0:
        return err(EILSEQ)
    kernel.write(out, struct.pack("<Q", value_at))
    return 0


def of_property_read_string_helper(kernel: Kernel, np: int, name: int, out: int, size: int,
                                   skip: int) -> int:
    prop = find_property(kernel, np, kernel.cstring(name))
    if not prop:
        return err(EINVAL)
    value_at = kernel.get(prop, "property", "value")
    if not value_at:
        return err(ENODATA)
    strings = _strings(kernel.read(value_at, kernel.get(prop, "property", "length")))
    if strings is None:
        return err(EILSEQ)
    if not out:
        return len(strings) - skip
    offset, written = 0, 0
    for i, text in enumerate(strings):
        if skip <= i < skip + size:
            kernel.write(out + 8 * written, struct.pack("<Q", value_at + offset))
            written += 1
        offset += len(text) + 1
    return written if written else err(ENODATA)


def of_property_match_string(kernel: Kernel, np: int, name: int, string: int) -> int:
    value = property_value(kernel, np, kernel.cstring(name))
    if value is None:
        return err(EINVAL)
    strings = _strings(value)
    if strings is None:
        return err(EILSEQ)
    wanted = kernel.cstring(string)
    return strings.index(wanted) if wanted in strings else err(ENODATA)


def of_find_property(kernel: Kernel, np: int, name: int, lenp: int) -> int:
    prop = find_property(kernel, np, kernel.cstring(name))
    if prop and lenp:
        kernel.write(lenp, struct.pack("<i", kernel.get(prop, "property", "length")))
    return prop


def of_get_property(kernel: Kernel, np: int, name: int, lenp: int) -> int:
    prop = of_find_property(kernel, np, name, lenp)
    return kernel.get(prop, "property", "value") if prop else 0


def compatible_score(kernel: Kernel, node: int, compat: bytes) -> int:
    """__of_device_is_compatible for a compatible string alone: INT_MAX/2 - 4 x the index of
    the node's first matching compatible (of_compat_cmp: strcasecmp, include/linux/of.h)."""
    strings = _strings(property_value(kernel, node, b"compatible") or b"") or []
    for index, text in enumerate(strings):
        if text.lower() == compat.lower():
            return INT_MAX // 2 - (index << 2)
    return 0


def of_device_is_compatible(kernel: Kernel, device: int, compat: int) -> int:
    return compatible_score(kernel, device, kernel.cstring(compat)) if device else 0


def of_device_get_match_data(kernel: Kernel, dev: int) -> int:
    """The data of the bound driver's best OF match for the device's node (NULL if none)."""
    node = kernel.get(dev, "device", "of_node")
    driver = kernel.get(dev, "device", "driver")
    table = kernel.get(driver, "device_driver", "of_match_table") if driver else 0
    if not node or not table:
        return 0
    best, best_score = 0, 0
    size = kernel.btf.sizeof("struct of_device_id")
    compat_at = kernel.btf.offsetof("of_device_id", "compatible")
    for i in range(256):
        entry = table + i * size
        compat = kernel.cstring(entry + compat_at, 128)
        if not compat and not kernel.cstring(entry) and not kernel.cstring(
                entry + kernel.btf.offsetof("of_device_id", "type")):
            break
        score = compatible_score(kernel, node, compat) if compat else 0
        if score > best_score:
            best, best_score = kernel.get(entry, "of_device_id", "data"), score
    return best


# --- device_property / fwnode over OF nodes ---------------------------------------------------

def node_of_fwnode(kernel: Kernel, fwnode: int) -> int:
    return fwnode - kernel.btf.offsetof("device_node", "fwnode") if fwnode else 0


def __dev_fwnode(kernel: Kernel, dev: int) -> int:
    node = kernel.get(dev, "device", "of_node")
    if node:
        return node + kernel.btf.offsetof("device_node", "fwnode")
    return kernel.get(dev, "device", "fwnode")


def _fwnode_int_array(kernel: Kernel, fwnode: int, name: int, out: int, nval: int,
                      width: int) -> int:
    """of_fwnode_property_read_int_array: the element count if ``out`` is NULL."""
    node = node_of_fwnode(kernel, fwnode)
    if not node:
        return err(EINVAL)
    if not out:
        return of_property_count_elems_of_size(kernel, node, name, width)
    result = _read_array(kernel, node, name, out, nval, 0, width)
    return result if result >> 63 else 0


def fwnode_property_read_u32_array(kernel: Kernel, fwnode: int, name: int, out: int,
                                   nval: int) -> int:
    return _fwnode_int_array(kernel, fwnode, name, out, nval, 4)


def fwnode_property_read_u64_array(kernel: Kernel, fwnode: int, name: int, out: int,
                                   nval: int) -> int:
    return _fwnode_int_array(kernel, fwnode, name, out, nval, 8)


def fwnode_property_read_u16_array(kernel: Kernel, fwnode: int, name: int, out: int,
                                   nval: int) -> int:
    return _fwnode_int_array(kernel, fwnode, name, out, nval, 2)


def fwnode_property_read_u8_array(kernel: Kernel, fwnode: int, name: int, out: int,
                                  nval: int) -> int:
    return _fwnode_int_array(kernel, fwnode, name, out, nval, 1)


def fwnode_property_present(kernel: Kernel, fwnode: int, name: int) -> int:
    node = node_of_fwnode(kernel, fwnode)
    return int(bool(node) and bool(find_property(kernel, node, kernel.cstring(name))))


def fwnode_property_read_string_array(kernel: Kernel, fwnode: int, name: int, out: int,
                                      nval: int) -> int:
    node = node_of_fwnode(kernel, fwnode)
    if not node:
        return err(EINVAL)
    return of_property_read_string_helper(kernel, node, name, out, nval, 0)


def fwnode_property_read_string(kernel: Kernel, fwnode: int, name: int, out: int) -> int:
    result = fwnode_property_read_string_array(kernel, fwnode, name, out, 1)
    return result if result >> 63 else 0


def device_property_read_u32_array(kernel: Kernel, dev: int, name: int, out: int,
                                   nval: int) -> int:
    return fwnode_property_read_u32_array(kernel, __dev_fwnode(kernel, dev), name, out, nval)


def device_property_read_u64_array(kernel: Kernel, dev: int, name: int, out: int,
                                   nval: int) -> int:
    return fwnode_property_read_u64_array(kernel, __dev_fwnode(kernel, dev), name, out, nval)


def device_property_read_u16_array(kernel: Kernel, dev: int, name: int, out: int,
                                   nval: int) -> int:
    return fwnode_property_read_u16_array(kernel, __dev_fwnode(kernel, dev), name, out, nval)


def device_property_read_u8_array(kernel: Kernel, dev: int, name: int, out: int,
                                  nval: int) -> int:
    return fwnode_property_read_u8_array(kernel, __dev_fwnode(kernel, dev), name, out, nval)


def device_property_present(kernel: Kernel, dev: int, name: int) -> int:
    return fwnode_property_present(kernel, __dev_fwnode(kernel, dev), name)


def device_property_read_string(kernel: Kernel, dev: int, name: int, out: int) -> int:
    return fwnode_property_read_string(kernel, __dev_fwnode(kernel, dev), name, out)


def device_property_read_string_array(kernel: Kernel, dev: int, name: int, out: int,
                                      nval: int) -> int:
    return fwnode_property_read_string_array(kernel, __dev_fwnode(kernel, dev), name, out,
                                             nval)


def of_get_child_by_name(kernel: Kernel, node: int, name: int) -> int:
    """The first child whose name, up to any unit address, is ``name`` (of_node_name_eq)."""
    wanted = kernel.cstring(name)
    child = kernel.get(node, "device_node", "child") if node else 0
    while child:
        if kernel.cstring(kernel.get(child, "device_node", "name")).split(b"@")[0] == wanted:
            return child
        child = kernel.get(child, "device_node", "sibling")
    return 0


FUNCTIONS = {
    "of_get_child_by_name": of_get_child_by_name,
    "of_property_read_variable_u8_array": _variable_array(1),
    "of_property_read_variable_u16_array": _variable_array(2),
    "of_property_read_variable_u32_array": _variable_array(4),
    "of_property_read_variable_u64_array": _variable_array(8),
    "of_property_read_u64": of_property_read_u64,
    "of_property_read_u32_index": of_property_read_u32_index,
    "of_property_count_elems_of_size": of_property_count_elems_of_size,
    "of_property_read_string": of_property_read_string,
    "of_property_read_string_helper": of_property_read_string_helper,
    "of_property_match_string": of_property_match_string,
    "of_find_property": of_find_property, "of_get_property": of_get_property,
    "of_device_is_compatible": of_device_is_compatible,
    "of_device_get_match_data": of_device_get_match_data,
    "__dev_fwnode": __dev_fwnode,
    "fwnode_property_read_u32_array": fwnode_property_read_u32_array,
    "fwnode_property_read_u64_array": fwnode_property_read_u64_array,
    "fwnode_property_read_u16_array": fwnode_property_read_u16_array,
    "fwnode_property_read_u8_array": fwnode_property_read_u8_array,
    "fwnode_property_present": fwnode_property_present,
    "fwnode_property_read_string_array": fwnode_property_read_string_array,
    "fwnode_property_read_string": fwnode_property_read_string,
    "device_property_read_u32_array": device_property_read_u32_array,
    "device_property_read_u64_array": device_property_read_u64_array,
    "device_property_read_u16_array": device_property_read_u16_array,
    "device_property_read_u8_array": device_property_read_u8_array,
    "device_property_present": device_property_present,
    "device_property_read_string": device_property_read_string,
    "device_property_read_string_array": device_property_read_string_array,
}
