"""A version 3 compound file ([MS-CFB]), which holds Word, PowerPoint and Outlook files, for the tests."""

from __future__ import annotations

import struct

_FREE, _END_OF_CHAIN, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR = 512


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A version 3 compound file holding `streams` (each at least 4,096 bytes, so no mini stream); a name
    `folder/name` puts the stream in a storage (`a/b/name` in a storage inside another)."""
    paths = sorted(streams)
    storages = sorted({"/".join(path.split("/")[:end]) for path in paths
                       for end in range(1, path.count("/") + 1)})
    nodes = ["", *storages, *paths]  # the root, the storages, the streams: their directory entries in order
    children: dict[str, list[int]] = {node: [] for node in ["", *storages]}
    for index, node in enumerate(nodes[1:], start=1):
        children[node.rsplit("/", 1)[0] if "/" in node else ""].append(index)

    def key(index: int) -> tuple[int, str]:
        name = nodes[index].rsplit("/", 1)[-1]
        return len(name), name.upper()

    # each folder's entries in one sorted chain, each the right sibling of the one before (a valid tree)
    first_child, right = {}, {}
    for node, members in children.items():
        members.sort(key=key)
        first_child[node] = members[0] if members else _NO_STREAM
        right.update(zip(members, [*members[1:], _NO_STREAM], strict=True))

    data_sectors = [-(-len(streams[path]) // _SECTOR) for path in paths]
    directory_sectors = -(-len(nodes) // 4)
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + directory_sectors + sum(data_sectors):
        fat_sectors += 1
    fat = [_FAT_SECTOR] * fat_sectors
    directory_start = len(fat)
    fat += [*range(directory_start + 1, directory_start + directory_sectors), _END_OF_CHAIN]
    starts = []
    for count in data_sectors:
        starts.append(len(fat))
        fat += [*range(len(fat) + 1, len(fat) + count), _END_OF_CHAIN]
    fat += [_FREE] * (fat_sectors * 128 - len(fat))

    entries = [_entry("Root Entry", 5, child=first_child[""], start=_END_OF_CHAIN, size=0)]
    for index, node in enumerate(nodes[1:], start=1):
        name = node.rsplit("/", 1)[-1]
        if node in children:
            entries.append(_entry(name, 1, right=right[index], child=first_child[node], start=0, size=0))
        else:
            stream = paths.index(node)
            entries.append(_entry(name, 2, right=right[index], start=starts[stream], size=len(streams[node])))
    entries += [bytes(64) + struct.pack("<HBBIII", 0, 0, 0, _NO_STREAM, _NO_STREAM, _NO_STREAM) + bytes(48)
                ] * (4 * directory_sectors - len(entries))

    header = bytearray(_SECTOR)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, fat_sectors, directory_start, 0, 4096, _END_OF_CHAIN, 0,
                     _END_OF_CHAIN, 0)
    difat = list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)
    struct.pack_into("<109I", header, 76, *difat)
    body = struct.pack(f"<{len(fat)}I", *fat) + b"".join(entries)
    for path in paths:
        data = streams[path]
        body += data + bytes(-len(data) % _SECTOR)
    return bytes(header) + body


def _entry(name: str, kind: int, *, left: int = _NO_STREAM, right: int = _NO_STREAM, child: int = _NO_STREAM,
           start: int, size: int) -> bytes:
    encoded = name.encode("utf-16-le") + b"\0\0"
    return (encoded.ljust(64, b"\0") + struct.pack("<HBBIII", len(encoded), kind, 1, left, right, child)
            + bytes(16 + 4 + 16) + struct.pack("<IQ", start, size))
