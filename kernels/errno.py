"""Linux errno names by number: include/uapi/asm-generic/errno-base.h, errno.h (the generic
ABI arm64 uses) and the kernel-internal codes of include/linux/errno.h (512-531)."""

ERRNO_NAMES = {
    1: "EPERM", 2: "ENOENT", 3: "ESRCH", 4: "EINTR", 5: "EIO", 6: "ENXIO", 7: "E2BIG",
    8: "ENOEXEC", 9: "EBADF", 10: "ECHILD", 11: "EAGAIN", 12: "ENOMEM", 13: "EACCES",
    14: "EFAULT", 15: "ENOTBLK", 16: "EBUSY", 17: "EEXIST", 18: "EXDEV", 19: "ENODEV",
    20: "ENOTDIR", 21: "EISDIR", 22: "EINVAL", 23: "ENFILE", 24: "EMFILE", 25: "ENOTTY",
    26: "ETXTBSY", 27: "EFBIG", 28: "ENOSPC", 29: "ESPIPE", 30: "EROFS", 31: "EMLINK",
    32: "EPIPE", 33: "EDOM", 34: "ERANGE", 35: "EDEADLK", 36: "ENAMETOOLONG", 37: "ENOLCK",
    38: "ENOSYS", 39: "ENOTEMPTY", 40: "ELOOP", 42: "ENOMSG", 43: "EIDRM", 61: "ENODATA",
    62: "ETIME", 71: "EPROTO", 74: "EBADMSG", 75: "EOVERFLOW", 84: "EILSEQ", 95: "EOPNOTSUPP",
    105: "ENOBUFS", 110: "ETIMEDOUT", 114: "EALREADY", 115: "EINPROGRESS", 121: "EREMOTEIO",
    125: "ECANCELED",
    512: "ERESTARTSYS", 513: "ERESTARTNOINTR", 514: "ERESTARTNOHAND", 515: "ENOIOCTLCMD",
    516: "ERESTART_RESTARTBLOCK", 517: "EPROBE_DEFER", 518: "EOPENSTALE", 519: "ENOPARAM",
    521: "EBADHANDLE", 522: "ENOTSYNC", 523: "EBADCOOKIE", 524: "ENOTSUPP", 525: "ETOOSMALL",
    526: "ESERVERFAULT", 527: "EBADTYPE", 528: "EJUKEBOX", 529: "EIOCBQUEUED",
    530: "ERECALLCONFLICT", 531: "ENOGRACE",
}
MAX_ERRNO = 4095  # include/linux/err.h: ERR_PTR values are the top 4095 addresses

# The codes the emulated services return, by name.  A service returns -errno as a 64-bit
# register value: ``-EINVAL & MASK64``.
ENOENT, ESRCH, EINTR, EIO, ENOMEM, EEXIST, ENODEV, EINVAL, EPROBE_DEFER = (
    next(number for number, name in ERRNO_NAMES.items() if name == wanted)
    for wanted in ("ENOENT", "ESRCH", "EINTR", "EIO", "ENOMEM", "EEXIST", "ENODEV", "EINVAL",
                   "EPROBE_DEFER"))
MASK64 = (1 << 64) - 1
