"""The History's detail steps and their bytes: which ``Step`` objects are held, and what they cost.

A ``DetailStore`` holds them; ``History`` calls its ``thin`` until the cap holds.

**Detail** (the ``Step`` object itself, by reference: the network never changes a parameter
array in place, so nothing is copied): the most recent ``keep_recent`` steps always, and
steps whose index is a multiple of the detail stride (``detail_every`` at first).

**Bytes.** ``nbytes`` is the sum of ``ndarray.nbytes`` over every array held, each
array counted once however many steps share it (the full-batch ``X``, or the parameters a
resumed step starts from); a view counts as its base array. Python's own overhead (about
100 bytes per array object, a few KB per ``Step`` with its lists) is not counted: for tiny
networks it roughly doubles the real footprint of the detail steps. The summary, metric and
histogram tables are preallocated and grow by doubling, but together never past
``summary_share * max_bytes``: when one is full, its older half is thinned (every other row
dropped; the newer half is kept). When the total passes ``max_bytes``, old strided detail
is thinned first (the stride doubles and the steps off the new stride are dropped, the
recent ones never), then, only if still needed, the oldest recent steps go. The cap is hard:
``nbytes <= max_bytes`` holds after every ``flush`` (so after every ``Trainer.run``); a
single step larger than what the tables leave is not kept as detail at all. Queued steps
(at most one block, sized to stay below ``max_bytes / 8``) are held until the next flush.
"""

from __future__ import annotations

import dataclasses
from collections import deque

import numpy as np

from engine.network import Step


def _step_fields() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names of the Step dataclass's list-of-arrays fields and of its number fields (read
    from the dataclass, so a field added to Step is saved too). ``divergence`` is neither."""
    lists, scalars = [], []
    for f in dataclasses.fields(Step):
        if f.name != "divergence":
            (lists if "list" in str(f.type) else scalars).append(f.name)
    return tuple(lists), tuple(scalars)


STEP_LIST_FIELDS, STEP_SCALAR_FIELDS = _step_fields()
_OPTIONAL_FIELDS = tuple(
    f.name for f in dataclasses.fields(Step) if f.name in STEP_LIST_FIELDS and f.default is None
)
_SHARED_FIELDS = ("weights", "biases", "gammas", "betas")  # plus a[0], the batch
_OWN_FIELDS = tuple(f for f in STEP_LIST_FIELDS if f not in _SHARED_FIELDS)


def root(array: np.ndarray) -> np.ndarray:
    """The array that owns ``array``'s memory (itself unless it is a view)."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


class DetailStore:
    """Detail steps by index (``steps``, increasing), their ``(epoch, position)`` (``meta``),
    the recent window (``recent``), the current ``stride`` and the bytes held (``nbytes``)."""

    def __init__(self, keep_recent: int, detail_every: int | None) -> None:
        self.keep_recent = keep_recent
        self.steps: dict[int, Step] = {}  # index -> Step, in increasing index order
        self.meta: dict[int, tuple[int, int]] = {}  # index -> (epoch, position)
        self.recent: deque[int] = deque()
        self.stride = detail_every
        self._held: dict[int, tuple[int, dict[int, np.ndarray]]] = {}  # index -> (own bytes, shared roots)
        self._refs: dict[int, list[int]] = {}  # id(root) -> [count, nbytes]
        self._own_cache: dict[tuple, int] = {}
        self._layout: tuple | None = None
        self.nbytes = 0

    def pinned(self, index: int) -> bool:
        """Whether ``index`` is on the current stride (kept when it leaves the recent window)."""
        return self.stride is not None and index % self.stride == 0

    def store(self, block: list[Step], meta: list[tuple[int, int]]) -> None:
        """Hold the block's recent and strided steps; drop steps that left the recent window."""
        self.check_layout(block[0])
        first_recent = len(block) - self.keep_recent  # earlier block steps leave the window at once
        for i, (st, m) in enumerate(zip(block, meta)):
            recent = i >= first_recent
            if not recent and not self.pinned(st.index):
                continue
            self.add(st, m)
            if recent:
                self.recent.append(st.index)
        while len(self.recent) > self.keep_recent:
            old = self.recent.popleft()
            if not self.pinned(old):
                self.remove(old)

    def check_layout(self, st: Step) -> None:
        """Forget the cached per-step byte counts if ``st``'s layout (shapes, which fields
        alias which) differs from the steps seen so far."""
        layout = (
            tuple(w.shape for w in st.weights),
            tuple(x is y for x, y in zip(st.s, st.z)),
            tuple(x is y for x, y in zip(st.a[1:], st.z)),
            tuple(x is y for x, y in zip(st.delta_s, st.delta)),
            tuple(g is None for g in st.grad_gamma),
        )
        if layout != self._layout:
            self._layout = layout
            self._own_cache = {}

    def own_bytes(self, st: Step) -> int:
        """Bytes of the arrays only this step holds (all but the parameters and ``a[0]``).

        These arrays are new at every step, so steps of one layout (``check_layout``) with
        the same batch rows and divergence state hold the same bytes: counted once, reused.
        """
        key = (st.a[0].shape[0], st.divergence is None, *(getattr(st, f) is None for f in _OPTIONAL_FIELDS))
        own = self._own_cache.get(key)
        if own is None:
            seen: dict[int, int] = {}
            for name in _OWN_FIELDS:
                values = getattr(st, name) or ()
                for x in values[1:] if name == "a" else values:
                    if x is not None:
                        r = root(x)
                        seen[id(r)] = r.nbytes
            own = sum(seen.values())
            self._own_cache[key] = own
        return own

    def add(self, st: Step, meta: tuple[int, int]) -> None:
        """Hold ``st`` as detail and count its bytes; the batch ``a[0]`` and the parameters
        may be shared with other steps, so they are counted once per array (by ``id``)."""
        own = self.own_bytes(st)
        shared = [st.a[0], *st.weights, *st.biases]
        if st.gammas and any(g is not None for g in st.gammas):
            shared += [x for x in (*st.gammas, *st.betas) if x is not None]
        unique = {}
        for x in shared:
            r = x if x.base is None else root(x)
            unique[id(r)] = r
        refs = self._refs
        added = own
        for key, r in unique.items():
            entry = refs.get(key)
            if entry is None:
                refs[key] = [1, r.nbytes]
                added += r.nbytes
            else:
                entry[0] += 1
        self._held[st.index] = (own, unique)
        self.steps[st.index] = st
        self.meta[st.index] = meta
        self.nbytes += added

    def remove(self, index: int) -> None:
        """Stop holding step ``index``; arrays no other held step shares are no longer counted."""
        own, unique = self._held.pop(index)
        del self.steps[index]
        del self.meta[index]
        removed = own
        refs = self._refs
        for key in unique:
            entry = refs[key]
            entry[0] -= 1
            if entry[0] == 0:
                del refs[key]
                removed += entry[1]
        self.nbytes -= removed

    def thin(self) -> None:
        """Free some detail: old strided steps first (the stride doubles), then the oldest recent."""
        recent = set(self.recent)
        old = [i for i in self.steps if i not in recent]
        if len(old) >= 2 and self.stride is not None:
            stride = self.stride
            drop: list[int] = []
            while not drop:
                stride *= 2
                drop = [i for i in old if i % stride]
            self.stride = stride
        elif old:
            drop = old
        else:
            drop = [self.recent.popleft()]
        for i in drop:
            self.remove(i)

    def truncate(self, step: int) -> None:
        """Forget step ``step`` and every later one."""
        for i in [i for i in self.steps if i >= step]:
            self.remove(i)
        self.recent = deque(i for i in self.recent if i < step)

    def describe(self) -> str:
        """The held indices in words, for a message ("none", "3, 5", "40 steps from 0 to 390")."""
        held = list(self.steps)
        if not held:
            return "none"
        if len(held) <= 12:
            return ", ".join(map(str, held))
        return f"{len(held)} steps from {held[0]} to {held[-1]}"
