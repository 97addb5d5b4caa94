"""What the arguments of `vdsoconf lint` name: an image, or a kernel holding some."""

import os

# vdsotool lint reads at most this much of a file: larger ones are kernels
IMAGE_LIMIT = 1 << 20


def split_label(arg: str):
    """LABEL=PATH, unless the whole argument is itself a path."""
    if "=" in arg and not os.path.exists(arg):
        label, path = arg.split("=", 1)
        if label and "/" not in label:
            return label, path
    return None, arg


def is_image(path: str) -> bool:
    """An ELF shared object small enough to be a vDSO."""
    try:
        with open(path, "rb") as f:
            head = f.read(18)
        size = os.path.getsize(path)
    except OSError:
        return False
    if len(head) < 18 or head[:4] != b"\x7fELF" or head[5] not in (1, 2):
        return False
    e_type = int.from_bytes(head[16:18], "little" if head[5] == 1 else "big")
    return e_type == 3 and size <= IMAGE_LIMIT


def safe_label(text: str) -> str:
    return "".join(c if c.isalnum() or c in "._+-" else "_" for c in text) or "kernel"
