"""Clustering that never puts two conflicting identities in one payer.

Sure links are joined into connected components. A component whose records agree on
every identity attribute (one birth date, one sex, one kind, one 宛名番号, no two
different given-name readings, no "different" decision) becomes one payer as it is —
nearly all do. The rest are rebuilt link by link, strongest first: a link that would
join two conflicting groups is refused, so a chain of plausible links cannot merge
twins through a record that names neither clearly. The order depends only on weights
and record keys, so a component gives the same payers in a full and an incremental run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import polars as pl

INF = float("inf")
SIGNATURE_COLUMNS = ("foreign", "corp", "nm", "kl", "nm_giv", "kl_giv", "kn_inferred")

Signature = tuple[bool, bool, str, str, str, str, bool]


def signatures_conflict(a: Signature, b: Signature) -> bool:
    """Two Japanese given-name readings that differ, with nothing else in common."""
    fa, ca, nma, kla, nga, kga, ia = a
    fb, cb, nmb, klb, ngb, kgb, ib = b
    if fa or fb or ca or cb or not kga or not kgb or kga == kgb:
        return False
    if (ia or ib) and not (nga and ngb and nga != ngb):
        return False
    if nga and nga == ngb:
        return False
    if nma and nma == nmb:
        return False
    return not (kla and kla == klb)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra
        return ra


@dataclass
class _Group:
    dobs: set[str] = field(default_factory=set)
    sexes: set[str] = field(default_factory=set)
    kinds: set[bool] = field(default_factory=set)
    rnos: set[str] = field(default_factory=set)
    sigs: set[Signature] = field(default_factory=set)
    members: list[int] = field(default_factory=list)


def _disjoint(a: set[str], b: set[str]) -> bool:
    return bool(a) and bool(b) and a.isdisjoint(b)


class _Groups:
    """Union–find over one component's profiles, each root holding its group's identity."""

    def __init__(self, groups: dict[int, _Group]) -> None:
        self.groups = groups
        self.parent = {i: i for i in groups}

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, ra: int, rb: int) -> None:
        if ra == rb:
            return
        if rb < ra:
            ra, rb = rb, ra
        ga, gb = self.groups[ra], self.groups.pop(rb)
        ga.dobs |= gb.dobs
        ga.sexes |= gb.sexes
        ga.kinds |= gb.kinds
        ga.rnos |= gb.rnos
        ga.sigs |= gb.sigs
        ga.members += gb.members
        self.parent[rb] = ra

    def compatible(self, ra: int, rb: int, strong: bool, forbidden: dict[int, set[int]]) -> bool:
        """Whether two groups may become one payer (see the module docstring)."""
        ga, gb = self.groups[ra], self.groups[rb]
        if (
            _disjoint(ga.dobs, gb.dobs)
            or _disjoint(ga.sexes, gb.sexes)
            or len(ga.kinds | gb.kinds) > 1
        ):
            return False
        if _disjoint(ga.rnos, gb.rnos) and not strong:
            return False
        if any(signatures_conflict(x, y) for x in ga.sigs for y in gb.sigs):
            return False
        other = set(gb.members)
        return not any(forbidden.get(i, set()) & other for i in ga.members)


def cluster(
    profiles: pl.DataFrame,
    edges: pl.DataFrame,
    *,
    must_link: list[tuple[int, int]],
    cannot_link: list[tuple[int, int]],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(pid → comp, cluster) labels and the edges used, from sure edges.

    `profiles` holds pid, anchor, rno, dob, sex, corp and the signature columns;
    `edges` holds pid_l, pid_r, weight, strong for the sure, conflict-free links.
    Labels are the smallest anchor of the component / cluster.
    """
    pids = profiles["pid"].to_list()
    index = {p: i for i, p in enumerate(pids)}
    n = len(pids)
    anchors = profiles["anchor"].to_list()
    # hard links: one 宛名番号, and a supervisor's "same payer"
    hard: list[tuple[int, int]] = []
    by_rno: dict[str, int] = {}
    for i, r in enumerate(profiles["rno"].to_list()):
        if r:
            if r in by_rno:
                hard.append((by_rno[r], i))
            else:
                by_rno[r] = i
    hard.extend((index[a], index[b]) for a, b in must_link if a in index and b in index)
    at = pl.DataFrame({"pid": pids, "i": range(n)}, schema={"pid": pl.Int64, "i": pl.Int64})
    e = (
        edges.join(at.rename({"pid": "pid_l", "i": "a"}), on="pid_l", maintain_order="left")
        .join(at.rename({"pid": "pid_r", "i": "b"}), on="pid_r", maintain_order="left")
        .select("a", "b", "weight", "strong")
    )
    ea, eb = e["a"].to_list(), e["b"].to_list()
    uf = _UnionFind(n)
    for a, b in hard:
        uf.union(a, b)
    for a, b in zip(ea, eb, strict=True):
        uf.union(a, b)
    comp = [uf.find(i) for i in range(n)]

    dobs = profiles["dob"].to_list()
    sexes = profiles["sex"].to_list()
    kinds = profiles["corp"].to_list()
    rnos = profiles["rno"].to_list()
    sig_rows: list[Signature] = list(profiles.select(SIGNATURE_COLUMNS).iter_rows())  # type: ignore[arg-type]
    forbidden: dict[int, set[int]] = defaultdict(set)
    for a, b in cannot_link:
        if a in index and b in index:
            forbidden[index[a]].add(index[b])
            forbidden[index[b]].add(index[a])

    members: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(comp):
        members[c].append(i)
    dirty: set[int] = set()
    for c, ms in members.items():
        if len(ms) < 2:
            continue
        if (
            len({dobs[i] for i in ms if dobs[i]}) > 1
            or len({sexes[i] for i in ms if sexes[i]}) > 1
            or len({kinds[i] for i in ms}) > 1
            or len({rnos[i] for i in ms if rnos[i]}) > 1
            or any(forbidden.get(i) for i in ms)
        ):
            dirty.add(c)
            continue
        sigs = {sig_rows[i] for i in ms}
        if len(sigs) > 1:
            sl = list(sigs)
            if any(signatures_conflict(x, y) for j, x in enumerate(sl) for y in sl[j + 1 :]):
                dirty.add(c)

    label = list(comp)
    used = [True] * len(ea)
    if dirty:
        edge_of: dict[int, list[int]] = defaultdict(list)
        for k, a in enumerate(ea):
            if comp[a] in dirty:
                edge_of[comp[a]].append(k)
        weights = e["weight"].to_list()
        strong = e["strong"].to_list()
        hard_by: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for a, b in hard:
            if comp[a] in dirty:
                hard_by[comp[a]].append((a, b))
        for c in sorted(dirty):
            ks = edge_of.get(c, [])
            for k in ks:
                used[k] = False
            ks.sort(
                key=lambda k: (
                    -weights[k],
                    min(anchors[ea[k]], anchors[eb[k]]),
                    max(anchors[ea[k]], anchors[eb[k]]),
                )
            )
            state = _Groups(
                {
                    i: _Group(
                        {dobs[i]} - {""},
                        {sexes[i]} - {""},
                        {kinds[i]},
                        {rnos[i]} - {""},
                        {sig_rows[i]},
                        [i],
                    )
                    for i in members[c]
                }
            )
            for a, b in hard_by.get(c, []):
                state.join(state.find(a), state.find(b))
            for k in ks:
                ra, rb = state.find(ea[k]), state.find(eb[k])
                if ra == rb or state.compatible(ra, rb, strong[k], forbidden):
                    state.join(ra, rb)
                    used[k] = True
            for i in members[c]:
                label[i] = state.find(i)

    def anchor_label(labels: list[int]) -> list[str]:
        best: dict[int, str] = {}
        for i, lab in enumerate(labels):
            a = anchors[i]
            if lab not in best or a < best[lab]:
                best[lab] = a
        return [best[lab] for lab in labels]

    out = pl.DataFrame(
        {"pid": pids, "comp": anchor_label(comp), "cluster": anchor_label(label)},
        schema={"pid": pl.Int64, "comp": pl.String, "cluster": pl.String},
    )
    return out, edges.with_columns(pl.Series("used", used, dtype=pl.Boolean))
