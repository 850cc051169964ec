"""Offline hive files as RegKey trees, read lazily through python-registry (Apache-2.0; the choice and
the figures behind it are in docs/library-choices.md).

`open_hive` validates the base block itself, replays .LOG1/.LOG2 in memory when the hive is dirty, and
turns every library failure into a project error naming the file and the offset of the key involved.
"""

from __future__ import annotations

import contextlib
import logging
import mmap
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.errors import DumpDoctorError, FormatError, UnsafeInputError, unreadable
from core.registry.hive_format import (
    BASE_BLOCK_SIZE,
    BaseBlock,
    check_primary_layout,
    is_hive,
    is_hive_log,
)
from core.registry.hive_identify import identify_from_header, identify_from_subkeys, root_path_for
from core.registry.hive_logs import find_logs, replay_logs
from core.registry.hive_values import read_values
from core.registry.keys import RegKey, RegValue
from core.registry.values import decode_value
from core.safefs import open_regular

log = logging.getLogger(__name__)

# Cell offsets are 32-bit: a "hive" beyond this cannot be real and would only cost memory.
MAX_HIVE_BYTES = 4 * 1024 * 1024 * 1024


class HiveState:
    """What the reader learnt about the file as a whole; shared by every key of one open hive."""

    def __init__(self, path: Path, block: BaseBlock) -> None:
        self.path = path
        self.block = block
        self.dirty = block.dirty
        self.logs_replayed: list[str] = []
        self.notes: list[str] = []
        # (key path, position) of each value that could not be decoded: a set, because looking up one
        # value walks all of its key's values again
        self.skipped_values: set[tuple[str, int]] = set()
        self.mapping: mmap.mmap | None = None  # the mapped file, closed by HiveRoot.close()
        self.display = str(path)  # how the file is named to the user (a bundle member, not a temp path)


@contextlib.contextmanager
def _library_errors(state: HiveState, offset: int, what: str) -> Iterator[None]:
    try:
        yield
    except DumpDoctorError:
        raise
    except RecursionError as exc:
        raise FormatError(f"{what}: structures nest without end", path=state.path, offset=offset,
                          expected="a finite key tree") from exc
    except Exception as exc:  # the library raises its own types, struct.error, IndexError...
        # The library's own words ("unpack_from requires a buffer of at least ...") mean nothing to a
        # user; what they mean is: the key points at data that is damaged or not in the file.
        why = ("it points beyond the end of the file (the file is cut short)"
               if isinstance(exc, (struct.error, IndexError)) else "the data it points to is damaged")
        log.debug("%s: %s: %s", state.path, type(exc).__name__, exc)
        raise FormatError(f"{what}: {why}", path=state.path, offset=offset,
                          expected="valid key cells and lists inside the file") from exc


class HiveKey(RegKey):
    def __init__(self, inner: Any, name: str, path: str, state: HiveState,
                 ancestors: frozenset[int]) -> None:
        self._inner = inner
        self.name = name
        self.path = path
        self.origin = state.display
        self._state = state
        self._offset: int = inner._nkrecord.offset()
        self._ancestors = ancestors | {self._offset}

    @property
    def offset(self) -> int:
        return self._offset

    def subkeys(self) -> Iterator[RegKey]:
        with _library_errors(self._state, self._offset, f"the subkeys of {self.path} cannot be read"):
            children = self._inner.subkeys()
        for child in children:
            with _library_errors(self._state, self._offset, f"a subkey of {self.path} cannot be read"):
                offset = child._nkrecord.offset()
                name = str(child.name())
            if offset in self._ancestors:
                raise FormatError(f"key cycle: a subkey of {self.path} points back at one of its parents",
                                  path=self._state.path, offset=offset,
                                  expected="a key tree without loops")
            yield HiveKey(child, name, f"{self.path}\\{name}", self._state, self._ancestors)

    def values(self) -> Iterator[RegValue]:
        nk = self._inner._nkrecord
        fast = read_values(nk._buf, nk._offset)
        if fast is not None:
            try:
                decoded = [RegValue(name, type_, decode_value(type_, raw)) for name, type_, raw in fast]
            except Exception:  # the library path below skips, logs and counts the bad value
                decoded = None
            if decoded is not None:
                yield from decoded
                return
        with _library_errors(self._state, self._offset, f"the values of {self.path} cannot be read"):
            entries = self._inner.values()
        for position, entry in enumerate(entries):
            try:
                vk = entry._vkrecord
                # the library names the default value "(default)"; a real value may have that name
                name = str(vk.name()) if vk.has_name() else ""
                type_ = int(vk.data_type())
                yield RegValue(name, type_, decode_value(type_, bytes(entry.raw_data())))
            except Exception as exc:  # one bad value must not hide the key's others
                if (self.path, position) in self._state.skipped_values:
                    continue
                self._state.skipped_values.add((self.path, position))
                log.info("%s: skipped a value of %s at 0x%X: %s", self._state.path, self.path,
                            self._offset, exc)


class HiveRoot(HiveKey):
    """The root key of an opened hive; also carries what was learnt about the file."""

    @property
    def state(self) -> HiveState:
        return self._state

    @property
    def notes(self) -> list[str]:
        return self._state.notes

    @property
    def dirty(self) -> bool:
        return self._state.dirty

    def close(self) -> None:
        """Unmap the file. On Windows a mapped file cannot be deleted, so a source that extracted the
        hive into a temporary folder must close it before removing the folder."""
        if self._state.mapping is not None:
            self._state.mapping.close()
            self._state.mapping = None

    def shown_as(self, name: str) -> None:
        """Name the file as the user knows it; keys read after this cite that name as their origin."""
        self._state.display = name
        self.origin = name


def detect(path: str | Path) -> bool:
    """Cheap content check: does the file start with the 'regf' signature?"""
    try:
        with open_regular(path) as fh:
            prefix = fh.read(0x20)
    except (OSError, DumpDoctorError):
        return False
    return is_hive(prefix) or is_hive_log(prefix)


def _load(path: Path) -> tuple[bytes | mmap.mmap, int]:
    try:
        with open_regular(path) as fh:
            size = path.stat().st_size
            if size > MAX_HIVE_BYTES:
                raise UnsafeInputError(f"{size:,} bytes is larger than any registry hive can be",
                                       path=path, expected="at most 4 GiB")
            if size < BASE_BLOCK_SIZE * 2:
                return fh.read(), size
            # Mapped, not read: a large SOFTWARE hive is paged in only where keys are visited.
            return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ), size
    except OSError as exc:
        raise unreadable(path, exc) from exc


def open_hive(path: str | Path, *, use_logs: bool = True) -> HiveRoot:
    """Open a hive file read-only. When it is dirty, .LOG1/.LOG2 found beside it (any case) are
    replayed in memory; the root's `notes` say whether that happened or why not."""
    path = Path(path)
    data, size = _load(path)
    block = check_primary_layout(bytes(data[:BASE_BLOCK_SIZE + 4]), size, path)
    if block.hbins_size and BASE_BLOCK_SIZE + block.hbins_size > size:
        log.info("%s: shorter than its header declares", path)
    state = HiveState(path, block)
    if isinstance(data, mmap.mmap):
        state.mapping = data
    if block.hbins_size and BASE_BLOCK_SIZE + block.hbins_size > size:
        declared = BASE_BLOCK_SIZE + block.hbins_size
        state.notes.append(f"{path.name}: the file is cut short ({size:,} of the {declared:,} bytes its "
                           "header declares); keys beyond the cut cannot be read")
    buffer: bytes | bytearray | mmap.mmap = data
    if block.dirty:
        logs = find_logs(path) if use_logs else []
        if logs:
            result = replay_logs(bytearray(data[:]), logs)
            buffer = result.data
            state.notes.extend(result.notes)
            state.logs_replayed = result.applied
            if result.applied:
                state.notes.append(f"{path.name}: dirty hive; transaction logs replayed "
                                   f"({', '.join(result.applied)})")
            else:
                state.notes.append(f"{path.name}: dirty hive; its transaction logs could not be applied, "
                                   "recent changes may be missing")
        else:
            state.notes.append(f"{path.name}: dirty hive read without its transaction logs "
                               f"({path.name}.LOG1/.LOG2 not {'used' if not use_logs else 'found'}); "
                               "recent changes may be missing")
    if not block.checksum_ok and not state.logs_replayed:
        state.notes.append(f"{path.name}: the base block checksum is wrong")
    return _root(path, buffer, state)


def _root(path: Path, buffer: bytes | bytearray | mmap.mmap, state: HiveState) -> HiveRoot:
    from Registry import Registry  # python-registry: Apache-2.0

    class _Buffer:
        def read(self) -> bytes | bytearray | mmap.mmap:
            return buffer

    offset = BASE_BLOCK_SIZE + state.block.root_cell
    with _library_errors(state, offset, "the root key cannot be read"):
        reg = Registry.Registry(_Buffer())
        inner = reg.root()
        subkey_names = [str(k.name()) for k in inner.subkeys()]
    kind = identify_from_header(state.block.file_name) or identify_from_subkeys(subkey_names)
    name, root_path = root_path_for(kind, str(inner.name()))
    return HiveRoot(inner, name, root_path, state, frozenset())

